"""The community talent pool (社区人才库): residents' skills, professions, certificates and availability."""
