"""JAX plumbing shared by both packages, no physics: the counter-based PRNG, meshes and placement, and the
one chunked driver loop."""
from pbits.runtime import chunks, memory, prng, sharding  # noqa: F401
