"""The Discord adapter: the real discord.py against the fake Discord."""
