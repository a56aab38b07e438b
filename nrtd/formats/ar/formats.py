"""Arabic: day, month, year, then the time, as Arabic writes them (Django has no date-time
format for Arabic, and fell back on the English "Dec. 19, 2019, 3:45 p.m."). Digits are the
Western Arabic ones UN documents in Arabic use (0-9), with the decimal point and the comma of
thousands that go with them (CLDR, Arabic in Latin digits)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y، g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y، g:i A"
FIRST_DAY_OF_WEEK = 6  # Saturday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
