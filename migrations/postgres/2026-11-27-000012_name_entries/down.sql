DROP TABLE name_entries;
