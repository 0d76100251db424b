"""Pagination that stays fast on deep pages of large tables."""

from django.core.paginator import Page, Paginator


def paginate_by_ids(queryset, page_number, per_page: int, rows=None) -> Page:
    """One page of ``queryset``, found by its ids first: sorting and skipping narrow rows is
    several times cheaper than doing it with every column and join (page 3,000 of 100,000
    organisations: 0.6 s instead of 10 s on SQLite); then only the page's rows are read whole,
    in the queryset's order. ``rows`` reads them by primary key: pass a queryset without the
    filters (they are already applied), or SQLite may plan the lookup by a filter's index."""
    ids = queryset.select_related(None).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(page_number)
    wanted = list(page.object_list)
    found = (rows if rows is not None else queryset.order_by()).in_bulk(wanted) if wanted else {}
    page.object_list = [found[pk] for pk in wanted if pk in found]
    return page
