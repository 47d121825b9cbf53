## Getting messages to people when Discord fails: permissions, private fallbacks, retries.
