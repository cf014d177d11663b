"""JAX plumbing shared by both packages, no physics: the counter-based PRNG, meshes and placement, and the
one chunked driver loop."""
from pbits.runtime import chunks, prng, sharding  # noqa: F401
