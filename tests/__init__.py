import pytest

# The import tests' shared helpers assert too (raises_message): let pytest explain their failures.
# Registered when the tests package is first imported, before any test module imports them.
pytest.register_assert_rewrite("tests.imports.helpers")
