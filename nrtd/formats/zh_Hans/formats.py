"""Chinese: figures grouped by thousands with a comma (CLDR), which Django's formats leave out."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
