"""The formats the scorer uses: how a prompt is shown to your model, and how the judge is asked."""

# Your model sees this and continues it; the scorer decodes greedily, at most 128 new tokens, and cuts the reply at
# the first "\n\nHuman:".
PROMPT_TEMPLATE = "Human: {prompt}\n\nAssistant:"
MAX_NEW_TOKENS = 128
STOP = "\n\nHuman:"

# The judge gets this (A and B in random order) and replies A, B or TIE.
JUDGE_TEMPLATE = """You are judging two assistant replies to the same user message. Prefer the reply that is more \
helpful, correct, relevant and coherent. Ignore which one comes first.

User message:
{prompt}

Reply A:
{a}

Reply B:
{b}

Which reply is better? Answer with exactly one word: A, B, or TIE."""
