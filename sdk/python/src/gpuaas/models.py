"""The platform API's types, generated from its OpenAPI document: answers as classes with typed
attributes (``Allocation``, ``GpuSku``, …), request bodies as TypedDicts (``AllocationCreate``),
enumerations as ``Literal`` aliases (``AllocationState``)."""

from .__generated__.models import *  # noqa: F401,F403
from .__generated__.models import __all__ as __all__
