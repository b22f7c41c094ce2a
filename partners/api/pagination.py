"""Cursor pagination for every list: `cursor` and `pageSize` (≤ 100), stable order by id.

The cursor only says where to continue; the list's own filter (organisation, municipality)
is applied on every page, so a cursor taken from another client shows nothing of theirs.
"""

from rest_framework.pagination import CursorPagination


class PartnerCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    max_page_size = 100
    page_size_query_param = "pageSize"
    cursor_query_param = "cursor"

    def get_paginated_response_schema(self, schema):  # type: ignore[no-untyped-def]
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
