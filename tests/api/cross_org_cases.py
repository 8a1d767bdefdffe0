"""Settings > API's object URL: another organization's owner gets 404."""

from django.urls import reverse

from tests.api.conftest import make_token

CASES = {
    "api_tokens:revoke": lambda o, u: ("post", reverse("api_tokens:revoke",
                                                       args=[make_token(o, u)[0].pk])),
}
