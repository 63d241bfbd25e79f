-- 1. main, 2 parameters
SELECT p.message_key, p.message_pid, g.message_pid AS grand_pid FROM "okayapi_message" p
LEFT JOIN "okayapi_message" g ON g.app_id = p.app_id AND g.id = p.message_pid
WHERE p.app_id = ? AND p.id = ?

-- 2. main, 9 parameters
INSERT INTO "okayapi_message" ("app_id", "uuid", "add_time", "update_time", "message_key", "message_nickname", "message_content", "message_pid", "message_post_time") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
