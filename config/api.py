from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """?page=N&page_size=M. A page size outside 1..max_page_size is a 400 on `page_size` (the schema
    says so), not silently replaced; a page past the last one is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
            if not 1 <= size <= self.max_page_size:
                raise ValueError
        except ValueError:
            message = gettext("Give a page size from 1 to %(max)d.") % {"max": self.max_page_size}
            raise serializers.ValidationError({self.page_size_query_param: [message]}) from None
        return size
