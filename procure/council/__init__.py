"""Each community's residents' council (居民议事会): its registered size, changed by the community or an admin, audited."""
