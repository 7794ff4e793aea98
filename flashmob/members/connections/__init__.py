"""Connections between members: requests, answers, blocks, private notes, vCards, the card for the night."""
