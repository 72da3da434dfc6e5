"""cddh core: the domain, the store adapter and the metrics of task tracking (theo dõi nhiệm vụ)."""
