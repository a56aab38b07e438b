import pytest

# The shared helpers assert too (raises_message): let pytest explain their failures.
pytest.register_assert_rewrite("tests.importers.helpers")
