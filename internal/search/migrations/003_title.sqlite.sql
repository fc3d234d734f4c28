-- Nothing on SQLite: search_titles (002) holds the titles alone already.
SELECT 1;
