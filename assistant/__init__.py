"""planqa: answers Thai questions about Thai education plans, with citations."""

__version__ = "0.1.0"
