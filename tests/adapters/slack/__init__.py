"""The Slack adapter: the real slack-bolt and slack-sdk against the fake Slack."""
