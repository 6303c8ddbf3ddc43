"""Personal data never reaches the database: masking of free text, keyed client identity."""

import pytest

from surveys.privacy import client_key, mask_personal_data


@pytest.mark.parametrize(
    "text, expected",
    [
        ("请拨13812345678联系我", "请拨138＊＊＊＊5678联系我"),
        ("电话 +86 138 1234 5678 谢谢", "电话 138＊＊＊＊5678 谢谢"),
        ("号码 0086-13912345678", "号码 139＊＊＊＊5678"),
        ("身份证11010519491231002X。", "身份证110＊＊＊＊＊＊＊＊＊＊＊＊＊2X。"),
        ("身份证 11010519491231002x", "身份证 110＊＊＊＊＊＊＊＊＊＊＊＊＊2x"),
        ("座机 010-12345678", "座机 010＊＊＊＊＊＊78"),
        ("邮箱 zhang.san@example.com", "邮箱 ＊＊＊@example.com"),
    ],
)
def test_phone_id_and_email_are_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "窗口排队 45 分钟，共办理 3 件",
        "价格 1380 元，共 12345678 份",
        "订单号 2024100112345678901234",  # 22 digits: neither a phone nor an ID number
        "",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def test_client_key_is_stable_keyed_and_reveals_no_address():
    key = client_key("203.0.113.7", "Mozilla/5.0", "secret-1")
    assert key == client_key("203.0.113.7", "Mozilla/5.0", "secret-1")
    assert key != client_key("203.0.113.8", "Mozilla/5.0", "secret-1")
    assert key != client_key("203.0.113.7", "Mozilla/5.0", "secret-2")  # rotation unlinks
    assert "203" not in key and len(key) == 32
