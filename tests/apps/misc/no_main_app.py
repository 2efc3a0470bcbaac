"""Defines the class but never calls main(): the runner runs the one class it defines."""
import panoramasdk


class quiet(panoramasdk.base):
    def entry(self, inputs, outputs):
        print("quiet entry")
        return True
