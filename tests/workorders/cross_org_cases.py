"""Every object URL of work orders: another organization's user gets 404.

The check and invoice actions use a work order that is not done yet: organization A then gets
a refusal (not a 404) without finalizing an invoice outside this app's throw-away media."""

from django.urls import reverse

from tests.workorders.factories import make_done, make_work_order


def _url(name, obj, method="get"):
    return method, reverse(name, args=[obj.pk])


CASES = {
    "workorders:workorder_detail": lambda o, u: _url("workorders:workorder_detail",
                                                     make_work_order(o)),
    "workorders:workorder_edit": lambda o, u: _url("workorders:workorder_edit",
                                                   make_work_order(o)),
    "workorders:workorder_done": lambda o, u: _url("workorders:workorder_done",
                                                   make_work_order(o), "post"),
    "workorders:workorder_reopen": lambda o, u: _url("workorders:workorder_reopen",
                                                     make_done(o, u), "post"),
    "workorders:workorder_check": lambda o, u: _url("workorders:workorder_check",
                                                    make_work_order(o), "post"),
    "workorders:workorder_invoice": lambda o, u: _url("workorders:workorder_invoice",
                                                      make_work_order(o), "post"),
}
