import module_that_does_not_exist  # noqa: F401
import panoramasdk  # noqa: F401
