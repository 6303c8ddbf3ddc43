"""Every report as a PDF at ``<report url>pdf/`` (WeasyPrint), cached by revision and data.

The PDF is the report page's own content (the same blocks, so the charts are the server-drawn
SVG of ``portal/chart_svg.py``, vector in the PDF, each followed by its table) laid out for A4
by the site's print stylesheet plus ``disclosure/pdf.css``: the title and period at the top of
every page, the publication date and "page n of m" at the bottom. Chinese text is set in the
Noto CJK fonts (Debian's fonts-noto-cjk) with ``lang="zh-Hans"``, so lines never start with
closing punctuation (Pango's line breaking).

WeasyPrint needs Pango (a Debian library): where it is missing the report page says the PDF is
unavailable and the address answers 503, and the rest of the site works. A generated PDF is
kept in the shared cache under the page's live revision and the data version: a request never
regenerates one that is still true, and any data change or new revision makes a new one.
"""

from __future__ import annotations

import functools
import logging
import re
import time

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from portal.cache import cached_public_page, data_version

logger = logging.getLogger(__name__)

# A PDF is immutable under its key (revision + data version), so it may be kept long; an
# outdated one is never asked for again and simply expires.
PDF_CACHE_SECONDS = 24 * 60 * 60
STYLESHEETS = ("portal/css/site.css", "disclosure/pdf.css")


@functools.cache
def pdf_available() -> bool:
    """Whether WeasyPrint and its libraries (Pango) load on this machine."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as missing:
        logger.warning("Report PDFs are unavailable: %s", missing)
        return False
    return True


def _css_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_furniture_css(page) -> str:
    """The running header and footer of every PDF page (title, period, date, page n of m)."""
    counter = _("Page %(page)s of %(pages)s")
    before, _sep, rest = counter.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    numbers = " ".join(
        part
        for part in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)",
            _css_string(after) if after else "",
        )
        if part
    )
    period = _("Year %(year)s") % {"year": page.year}
    published = _("Published %(date)s") % {"date": date_format(page.report_date, "DATE_FORMAT")}
    return (
        "@page {"
        f" @top-left {{ content: {_css_string(page.title)}; }}"
        f" @top-right {{ content: {_css_string(period)}; }}"
        f" @bottom-left {{ content: {_css_string(published)}; }}"
        f" @bottom-right {{ content: {numbers}; }}"
        " }"
    )


# The chart rules of the site's stylesheet (``.chart-svg…``, normal display mode): WeasyPrint
# draws an inline <svg> as an image of its own, which the document's stylesheets do not reach,
# so each chart gets them as a <style> of its own (without it every line is a thin black one).
_CHART_RULE = re.compile(r"^((?:circle)?\.chart-svg[^{]*)\{([^}]*)\}", re.MULTILINE)
_CHART_OPENING = re.compile(r'(<svg class="chart-svg[^>]*>)')


@functools.cache
def chart_svg_css() -> str:
    with open(finders.find(STYLESHEETS[0]), encoding="utf-8") as fh:
        rules = _CHART_RULE.findall(fh.read())
    # Not the rules of the <svg> element itself (its size, and which of the two drawings shows).
    css = " ".join(
        f"{selector.strip()} {{{body.strip()}}}"
        for selector, body in rules
        if "__" in selector or " " in selector.strip()
    )
    # WeasyPrint has no paint-order: the label's white halo would be drawn over its letters.
    return css + " .chart-svg__target-label { stroke: none; }"


def with_chart_styles(html: str) -> str:
    style = f"<style>{chart_svg_css()}</style>"
    return _CHART_OPENING.sub(lambda m: m.group(1) + style, html)


def render_report_pdf(page, request) -> bytes:
    """The report as PDF bytes (the page's context, the PDF template and stylesheets)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    context = page.get_context(request)
    context["pdf"] = True
    html = with_chart_styles(
        render_to_string("disclosure/report_pdf.html", context, request=request)
    )
    # Nothing is fetched while rendering (the stylesheets are read here, the charts are inline
    # SVG): a link in a report's text can never make the server request another address.
    fetcher = URLFetcher(allowed_protocols=["data"])
    stylesheets = [CSS(filename=finders.find(name), url_fetcher=fetcher) for name in STYLESHEETS]
    stylesheets.append(CSS(string=page_furniture_css(page)))
    document = HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets)


def pdf_cache_key(page) -> str | None:
    version = data_version()
    if version is None:
        return None
    language = translation.get_language()
    return f"disclosure:pdf:{page.pk}:{page.live_revision_id}:{version}:{language}"


def report_pdf_bytes(page, request) -> bytes:
    """The cached PDF of ``page``, made once per revision, data version and language."""
    key = pdf_cache_key(page)
    data = cache.get(key) if key else None
    if data is None:
        started = time.perf_counter()
        data = render_report_pdf(page, request)
        logger.info("PDF of report %s in %.2f s", page.pk, time.perf_counter() - started)
        if key:
            cache.set(key, data, PDF_CACHE_SECONDS)
    return data


def pdf_filename(page) -> str:
    return f"{page.title}.pdf".replace("/", "-")


class ReportPdfMixin(RoutablePageMixin):
    """A report page's PDF route (``pdf/``); the page itself is cached for anonymous
    visitors like the other public pages."""

    def serve(self, request, view=None, args=None, kwargs=None):
        if getattr(view, "__name__", "index_route") != "index_route" or (
            self.get_view_restrictions().exists()
        ):
            # The PDF has a cache of its own; a restricted page is never put in the shared one.
            return super().serve(request, view, args, kwargs)

        def _serve(req):
            return super(ReportPdfMixin, self).serve(req, view, args, kwargs)

        return cached_public_page(_serve)(request)

    @path("pdf/", name="pdf")
    def pdf(self, request):
        if not pdf_available():
            return HttpResponse(
                _("The PDF of this report cannot be made on this server at the moment."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(report_pdf_bytes(self, request), content_type="application/pdf")
        # RFC 6266: an ASCII fallback and the UTF-8 name (filename*), as Django writes it.
        response["Content-Disposition"] = content_disposition_header(True, pdf_filename(self))
        return response
