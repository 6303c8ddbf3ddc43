"""Case deadlines count working days on China's official calendar."""

import datetime

from surveys.deadlines import add_working_days, is_working_day

D = datetime.date


def test_deadline_skips_the_national_day_holiday():
    # 2025-09-30 (Tue) + 1 working day: 1–8 October are holidays, so 9 October.
    assert add_working_days(D(2025, 9, 30), 1) == (D(2025, 10, 9), True)


def test_adjusted_working_saturday_counts():
    # 2025-10-11 is a Saturday worked in exchange for the holiday (调休).
    assert is_working_day(D(2025, 10, 11)) == (True, True)
    # Thursday 9 Oct + 2 working days: Fri 10, Sat 11 (adjusted) → Saturday 11 October.
    assert add_working_days(D(2025, 10, 9), 2) == (D(2025, 10, 11), True)


def test_ordinary_weekend_does_not_count():
    # Friday 2026-03-06 + 1 working day → Monday 9 March.
    assert add_working_days(D(2026, 3, 6), 1) == (D(2026, 3, 9), True)


def test_a_year_without_a_published_calendar_counts_weekdays_and_says_so():
    due = add_working_days(D(2031, 1, 3), 1)  # a Friday
    assert due == (D(2031, 1, 6), False)


def test_zero_days_is_the_start_date():
    assert add_working_days(D(2026, 3, 6), 0) == (D(2026, 3, 6), True)
