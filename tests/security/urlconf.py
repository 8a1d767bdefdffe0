"""Every URL pattern of the project, found by walking the URLconf through its includes.

The security tests check all of them, so a new URL is covered (or fails a test) without anyone
remembering to add it to a list."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# A named group of a regex pattern, or a <converter:name> of a route.
_ARGUMENT = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)|<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name", or the route of an unnamed pattern
    namespace: str
    route: str  # the whole route from the site root, as written in the URLconfs
    arguments: tuple[str, ...]  # the names of what the URL carries (pk, token, object_id, ...)
    callback: object

    def path(self, values: dict[str, str]) -> str:
        """A concrete path with the given argument values (for patterns without a name too)."""
        path = _ARGUMENT.sub(lambda m: values[m.group(1) or m.group(2)], self.route)
        return "/" + path.replace("^", "").replace("$", "")


def endpoints(patterns=None, namespace: str = "", prefix: str = "") -> list[Endpoint]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            found += endpoints(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(_endpoint(pattern, namespace, prefix + str(pattern.pattern)))
    return found


def _endpoint(pattern: URLPattern, namespace: str, route: str) -> Endpoint:
    name = ":".join(filter(None, (namespace, pattern.name))) if pattern.name else route
    arguments = tuple(group or name for group, name in _ARGUMENT.findall(route))
    return Endpoint(name, namespace, route, arguments, pattern.callback)
