"""The language-dependent fields (portal.i18n), without a database."""

from types import SimpleNamespace

from django.utils import translation

from portal.i18n import is_english, localized, localized_field

SURVEY = SimpleNamespace(
    title="不动产登记窗口服务满意度调查", title_en="Property registration survey"
)
UNTRANSLATED = SimpleNamespace(title="政务服务中心满意度调查", title_en="")


def test_english_site_shows_the_english_text_where_there_is_one():
    with translation.override("en"):
        assert is_english()
        assert localized_field(SURVEY, "title") == "Property registration survey"
        assert localized_field(UNTRANSLATED, "title") == "政务服务中心满意度调查"
        assert localized("市公安局", "City Public Security Bureau") == "City Public Security Bureau"
        assert localized("市公安局", "") == "市公安局"


def test_chinese_site_shows_the_chinese_original():
    with translation.override("zh-hans"):
        assert not is_english()
        assert localized_field(SURVEY, "title") == "不动产登记窗口服务满意度调查"
        assert localized("市公安局", "City Public Security Bureau") == "市公安局"


def test_the_language_can_be_looked_up_once_for_many_rows():
    with translation.override("zh-hans"):
        assert localized("市公安局", "City Public Security Bureau", english=True) == (
            "City Public Security Bureau"
        )
    with translation.override("en"):
        assert localized("市公安局", "City Public Security Bureau", english=False) == "市公安局"


def test_english_variants_count_as_english():
    with translation.override("en-gb"):
        assert is_english()
