pytest_plugins = ["tests.conftest_bolt"]
