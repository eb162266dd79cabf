# The package re-exports its base class: subclasses elsewhere name it through the package.
from .base import Repository
