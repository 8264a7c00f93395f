"""Starting scaffold: asks the model once per problem for a Rust program and returns the first code block.

The scorer imports this file and calls generate_solution(problem) for every held-out problem (8 at a time, in
threads), or generate_solutions(problems) if you define that instead. problem = {name, description,
public_tests: [{input, output}], time_limit_s, memory_limit_bytes}. Return the Rust source as a string.
"""
import json
import os
import re
import urllib.request

API_BASE = os.environ.get("LLM_API_BASE", "https://api.openai.com/v1")
API_KEY = os.environ.get("LLM_API_KEY", "")
MODEL = os.environ.get("LLM_MODEL", "gpt-3.5-turbo-0125")


def chat(messages, temperature=0.0, timeout=120):
    body = json.dumps({"model": MODEL, "messages": messages, "temperature": temperature}).encode()
    req = urllib.request.Request(API_BASE.rstrip("/") + "/chat/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + API_KEY})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))["choices"][0]["message"]["content"]


def extract_code(text):
    blocks = re.findall(r"```(?:rust)?\s*\n(.*?)```", text, re.S)
    return blocks[0] if blocks else text


def generate_solution(problem):
    prompt = ("Solve this competitive programming problem in Rust. Read from stdin, write to stdout.\n\n"
              + problem["description"])
    return extract_code(chat([{"role": "user", "content": prompt}]))
