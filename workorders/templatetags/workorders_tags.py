from django import template
from django.utils.html import format_html

from workorders.models import WorkOrderState

register = template.Library()

BADGES = {
    WorkOrderState.OPEN: "badge-info",
    WorkOrderState.DONE: "badge-warning",
    WorkOrderState.CHECKED: "badge-muted",
    WorkOrderState.INVOICED: "badge-success",
}


@register.simple_tag
def state_badge(work_order) -> str:
    return format_html('<span class="badge {}">{}</span>', BADGES.get(work_order.state, ""),
                       work_order.get_state_display())
