-- 1. main, 1 parameter
SELECT COUNT(*) AS n FROM "okayapi_message" WHERE app_id = ? AND message_pid = 0

-- 2. main, 1 parameter
SELECT "id", "uuid", "add_time", "message_nickname", "message_content", "message_pid", "message_post_time" FROM "okayapi_message" WHERE app_id = ? AND message_pid = 0 ORDER BY message_post_time DESC, id DESC LIMIT 2 OFFSET 2

-- 3. main, 2 parameters
SELECT "id", "uuid", "add_time", "message_nickname", "message_content", "message_pid", "message_post_time" FROM "okayapi_message" WHERE app_id = ? AND message_pid IN (?) ORDER BY message_post_time ASC, id ASC
