"""tfso-mockserver: an offline emulator of the 24SevenOffice accounting APIs."""

from .compat import install as _install_compat

_install_compat()
__version__ = "0.1.0"

__all__ = ["__version__"]
