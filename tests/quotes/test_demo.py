import re

from django.test import Client

from invoicing import demo as invoicing_demo
from quotes import demo
from quotes.models import Quote


def test_demo_quotes_have_a_live_link_and_an_answer_and_load_once(org_a):
    invoicing_demo.load(org_a)
    summary = demo.load(org_a)
    assert sorted(Quote.objects.values_list("status", flat=True)) == [
        "accepted", "draft", "sent"]
    token = re.search(r"/q/([\w-]+)/", summary).group(1)
    assert Client().get(f"/q/{token}/").status_code == 200
    assert demo.load(org_a) == "already there"
    assert Quote.objects.count() == 3
