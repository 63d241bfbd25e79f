-- 1. main, 3 parameters
SELECT COUNT(*) AS n FROM `okayapi_message` WHERE app_id = ? AND message_pid = 0 AND message_key = ? AND message_key LIKE ? ESCAPE '!'

-- 2. main, 3 parameters
SELECT `id`, `message_nickname`, `message_content`, `message_pid`, `message_post_time` FROM `okayapi_message` WHERE app_id = ? AND message_pid = 0 AND message_key = ? AND message_key LIKE ? ESCAPE '!' ORDER BY message_post_time ASC, id ASC LIMIT 10 OFFSET 0

-- 3. main, 4 parameters
SELECT `id`, `message_nickname`, `message_content`, `message_pid`, `message_post_time` FROM `okayapi_message` WHERE app_id = ? AND message_pid IN (?, ?, ?) ORDER BY message_post_time ASC, id ASC

-- 4. main, 3 parameters
SELECT `id`, `message_nickname`, `message_content`, `message_pid`, `message_post_time` FROM `okayapi_message` WHERE app_id = ? AND message_pid IN (?, ?) ORDER BY message_post_time ASC, id ASC
