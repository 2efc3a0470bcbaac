"""A Panorama application that does nothing: measures the runtime's own cost per frame."""
import panoramasdk


class noop(panoramasdk.base):
    def entry(self, inputs, outputs):
        return True


def main():
    noop().run()


main()
