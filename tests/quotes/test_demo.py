import re

from django.test import Client

from quotes import demo
from quotes.models import Quote
from tests.invoicing.factories import make_customer


def test_demo_quotes_have_a_live_link_and_an_answer_and_load_once(org_a):
    for name in ("Bakkerij", "Bouw", "Malerbetrieb", "Jansen"):  # what invoicing's demo adds
        make_customer(org_a, name=name)
    summary = demo.load(org_a)
    assert sorted(Quote.objects.values_list("status", flat=True)) == [
        "accepted", "draft", "sent"]
    token = re.search(r"/q/([\w-]+)/", summary).group(1)
    assert Client().get(f"/q/{token}/").status_code == 200
    assert demo.load(org_a) == "already there"
    assert Quote.objects.count() == 3
