-- Nothing to change on PostgreSQL: text compares every character (trailing spaces included)
-- already. The migration exists so every provider has the same migration history. The MySQL
-- twin changes the collation of its tables to compare the same way.
SELECT 1;
