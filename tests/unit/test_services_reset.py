"""`services.reset()` forgets every cached factory: none can keep a previous test's clients."""

from chalicelib import services


def test_every_cached_factory_is_registered_for_reset():
    cached = {
        name
        for name, value in vars(services).items()
        if callable(value) and hasattr(value, "cache_clear")
    }
    registered = {f.__name__ for f in services._FACTORIES}
    assert cached and cached <= registered | {"lru_cache"}
    assert "my_account" in registered and "oidc_client" in registered


def test_a_factory_made_by_the_decorator_is_forgotten_by_reset():
    made = []

    @services.factory
    def thing():
        made.append(object())
        return made[-1]

    try:
        assert thing() is thing()  # once per container
        services.reset()
        assert thing.cache_info().currsize == 0
        assert thing() is made[1]  # made again after the reset
    finally:
        services._FACTORIES.remove(thing)
