from tests.invoicing.conftest import _eager_tasks, _media_and_mail  # noqa: F401 - autouse
