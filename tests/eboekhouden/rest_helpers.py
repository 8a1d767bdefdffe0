"""Helpers of the REST client tests."""

from collections import Counter

from eboekhouden.rest import RestClient, RestConfig


class CountingRestClient(RestClient):
    """The REST client with a log of its HTTP answers: (method, path, status)."""

    def __init__(self, config: RestConfig) -> None:
        super().__init__(config)
        self.calls: list[tuple[str, str, int]] = []
        self.http.hooks["response"].append(self._record)

    def _record(self, response, *args, **kwargs):
        path = response.request.path_url.split("?")[0]
        self.calls.append((response.request.method, path, response.status_code))

    def count(self, method: str, path: str) -> int:
        return Counter((m, p) for m, p, _status in self.calls)[(method, path)]


def make_client(sandbox, **config) -> CountingRestClient:
    return CountingRestClient(RestConfig(**{
        "base_url": sandbox.rest_url, "connect_timeout": 5, "read_timeout": 10,
        "max_throttle_wait": 2.0, **config}))
