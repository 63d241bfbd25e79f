-- 1. db_test, 2 parameters
SELECT "id", "name", "quantity", "parent_id" FROM "TestTable" WHERE "parent_id" IN (?) AND ("id" >= ?) ORDER BY "parent_id" ASC, "id" DESC

-- 2. db_test, 3 parameters
SELECT "id", "name", "quantity", "parent_id" FROM "TestTable" WHERE "parent_id" IN (?, ?) AND ("id" >= ?) ORDER BY "parent_id" ASC, "id" DESC
