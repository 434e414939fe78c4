"""Concept links a reader can trust: placement and sense, on the starter concept notes.

Every case here is a failure found by reading real output (a general Chinese tech weekly and an
LLM course): the word has another sense there, or sits where a link does not belong.
"""

from __future__ import annotations

import pytest

from gardener.garden.checks import ambiguous_aliases, run_checks
from gardener.garden.concepts import sense as sense_module
from gardener.garden.concepts.matcher import find_mentions, matcher_for, sort_mentions
from gardener.garden.loading import load_garden
from gardener.pages.links import link_mentions
from gardener.text import segmenter
from tests.conftest import ROOT

GARDEN = load_garden(ROOT / "docs")
MATCHER = matcher_for(GARDEN.concepts)


def linked(text: str) -> list[tuple[str, str]]:
    return [(m.concept, text[m.start:m.end]) for m in find_mentions(text, MATCHER)]


def concepts(text: str) -> set[str]:
    return {concept for concept, _ in linked(text)}


# --------------------------------------------------------------------------
# Sense from context

@pytest.mark.parametrize("text", [
    "在 CSS 里，用 flex 布局让按钮和标题垂直对齐。",
    "跑道上的标线与机头对齐后，飞机才能起飞。",
    "字幕与画面没有对齐，看起来很别扭。",
    "平行语料库（对齐的输入-输出对）是机器翻译的基础。",
    "The alignment of these boxes is off by one pixel.",
])
def test_alignment_in_other_senses_is_not_linked(text):
    assert "alignment" not in concepts(text)


def test_alignment_of_a_model_to_human_intent_is_linked():
    text = "RLHF 让模型的行为与人类偏好对齐，这正是对齐研究关心的问题。"
    assert ("alignment", "对齐") in linked(text)


def test_everyday_hallucination_is_not_linked():
    assert "hallucination" not in concepts("会议创造了生产力的幻觉，其实什么也没做成。")
    assert "hallucination" in concepts("大模型会一本正经地编造事实，这种幻觉让回答难以信任。")


@pytest.mark.parametrize("text", [
    "用户登录后，服务器签发一个 JWT token，之后每个请求都带上它。",
    "OAuth 的 access token 过期后要用 refresh token 换新的。",
    "发布 npm 包之前，先在 CI 里配置好 token。",
])
def test_tokens_of_authentication_are_not_linked(text):
    assert "token" not in concepts(text)


def test_token_in_an_article_about_language_models_is_linked():
    text = ("大语言模型先把文本切成 token，再预测下一个词。上下文窗口以 token 计算，"
            "Transformer 的注意力机制在这些 token 之间计算。")
    assert "token" in concepts(text)


def test_shell_prompt_is_not_linked():
    assert "prompt" not in concepts("打开终端，看到 shell 的 prompt 之后输入 ls 命令。")


@pytest.mark.parametrize("text", [
    "据 CNN 报道，这场风暴影响了整个东海岸。",
    "Tesla | AirBnB | CNN | Nike",
    "用 CSS 的 clip 属性裁掉溢出的部分。",
    "As much as I rag on React, it is still my favourite.",
])
def test_names_and_words_of_other_fields_are_not_linked(text):
    assert not concepts(text) & {"cnn", "clip", "rag"}


def test_cnn_for_images_is_linked():
    assert "cnn" in concepts("深度学习里，我们用 CNN 提取图像特征，再训练分类器。")


def test_a_painter_named_claude_is_not_linked():
    assert "claude" not in concepts("这幅版画出自法国画家 Claude Mellan 之手。")


def test_a_word_inside_a_product_name_is_not_linked_but_one_opening_a_sentence_is():
    ml = "机器学习模型越来越多地跑在手机上。\n\n"
    assert ("machine-learning", "ML") not in linked(ml + "我们用 ML Kit 构建了食品分类应用，图像识别在设备上完成。")
    assert ("machine-learning", "ML") in linked(ml + "我们在设备上运行 ML 模型，完成图像分类。")
    assert "computer-vision" in concepts("Deep learning changed NLP. In CV, on the other hand, image "
                                         "recognition came first.")


def test_inference_or_reasoning_is_decided_by_the_line():
    llm = "大语言模型的两种能力。\n\n"
    assert ("inference", "推理") in linked(llm + "使用 vLLM 引擎部署服务，推理速度提升了三倍。")
    assert ("reasoning", "推理") in linked(llm + "o1 在数学推理上表现出色，思考步骤更长。")
    assert not {"inference", "reasoning"} & concepts(llm + "侦探小说靠推理取胜。")


@pytest.mark.parametrize("text", [
    "对代码进行推理是软件开发人员一直在做的事情，λ 演算让它更容易。",
    "当 React 上下文的稳定版本首次出现时，react-context v6 采用这种方法。",
    "Applet 这一特性都被标注为“已弃用”和“将被移除”，标签也改了。",
])
def test_an_article_that_names_no_concept_plainly_links_no_ambiguous_word(text):
    assert concepts(text) == set()


@pytest.mark.parametrize(("text", "word"), [
    ("在无限循环下，我们要计算力，然后更新位置。", "算力"),
    ("但是在 HSL 中，我们仅仅需要稍微调整亮度值。", "微调"),
])
def test_matches_that_start_inside_a_word_are_not_linked(text, word):
    assert not [w for _, w in linked(text) if w == word]


def test_image_generation_as_a_verb_phrase_is_not_linked():
    assert "image-generation" not in concepts("编辑需要为图片生成介绍词。")
    assert "image-generation" in concepts("Stable Diffusion 这类扩散模型让 AI 图片生成走进了大众。")


# --------------------------------------------------------------------------
# Where links do not belong

@pytest.mark.parametrize(("text", "concept"), [
    ("微软发布了 GPT 4V 的演示。", "gpt"),
    ("他们用 GPT-2Pile 做对比实验。", "gpt"),
    ("在 GPT-4o 上测试。", "gpt"),
    ("Unsloth 让训练 Llama 3 这样的模型变得简单。", "llama"),
    ("本地推理也可使用 llama.cpp。", "llama"),
    ("从 huggingface_hub 下载权重。", "hugging-face"),
    ("运行 --num-prompts 100 做压测。", "prompt"),
    ("见 volunteer-dall-e.png 这张图。", "dall-e"),
    ("Reinforcement Learning from AI Feedback (RLAIF) 是另一种做法。", "reinforcement-learning"),
])
def test_versions_file_names_and_expansions_are_not_the_concept(text, concept):
    assert concept not in concepts(text)


def test_a_version_resolves_to_its_own_concept():
    assert ("gpt-4", "GPT-4") in linked("OpenAI 发布了 GPT-4。")
    assert linked("PPO（Proximal Policy Optimization）是一种强化学习算法。")[:2] == [
        ("ppo", "PPO"), ("ppo", "Proximal Policy Optimization")]


def test_nothing_is_linked_in_a_missing_image_placeholder_or_a_reference_list():
    body = ('<span class="gd-missing-asset" title="a.png">缺失图片：ChatGPT 截图（a.png）</span>\n\n'
            "ChatGPT 改变了人们使用搜索的方式。\n\n## 参考资料\n\n- ChatGPT 官方博客\n")
    mentions = [m for m in find_mentions(body, MATCHER) if m.concept == "chatgpt"]
    assert [body[m.start:m.start + 30].split("改变")[0] for m in mentions] == ["ChatGPT "]


def test_the_first_link_goes_to_the_first_mention_in_prose():
    body = ('<span class="gd-missing-asset" title="x.png">缺失图片：ChatGPT（x.png）</span>\n\n'
            "ChatGPT 很快走红。")
    linked_body = link_mentions(body, find_mentions(body, MATCHER), href=lambda s: f"{s}.md",
                                title=lambda s: None)
    assert "缺失图片：ChatGPT（" in linked_body
    assert "[ChatGPT](<chatgpt.md>) 很快走红" in linked_body


# --------------------------------------------------------------------------
# Variants found in real articles

@pytest.mark.parametrize(("text", "concept"), [
    ("OpenAI 的 sparse Transformer（稀释 Transformer）减少了注意力的计算量。", "efficient-attention"),
    ("GPT 是一种自回归语言模型，按自回归解码逐词生成。", "next-token-prediction"),
    ("GPT-3 是少量样本学习器（Few-Shot Learner）。", "few-shot-learning"),
    ("DeepSeek-R1-Zero 是一个通过大规模强化学习（RL）训练的模型，没有监督微调（SFT）。", "reinforcement-learning"),
])
def test_variants_in_the_starter_notes_are_linked(text, concept):
    assert concept in concepts(text)


# --------------------------------------------------------------------------
# The report

def test_check_lists_ambiguous_aliases_with_their_counts():
    found = {d.message.split("'")[1]: d for d in ambiguous_aliases(GARDEN)}
    assert found["对齐"].path == "concepts/alignment.md" and found["对齐"].severity == "info"
    assert "skipped elsewhere" in found["对齐"].message
    assert "token" in found
    # Two notes that both mark 推理 ambiguous share it without an alias collision error.
    assert not [d for d in run_checks(GARDEN) if "推理" in d.message and d.severity == "error"]


def test_skipped_mentions_are_counted_apart():
    kept, skipped = sort_mentions("打开终端，看到 shell 的 prompt 之后输入命令。", MATCHER)
    assert not kept and [m.alias for m in skipped] == ["prompt"]


def test_the_english_word_list_never_loads_in_the_build_process():
    """wordfreq's English list (~48 MB, ~22 MB of it kept after it is let go) is read by a child
    process: aliases are judged as wordfreq scores them, and this process never imports it."""
    import subprocess
    import sys

    wordfreq = pytest.importorskip("wordfreq")
    script = (
        "import sys\n"
        "from gardener.garden.concepts.matcher import matcher_for\n"
        "from gardener.garden.loading import load_garden\n"
        "from pathlib import Path\n"
        f"garden = load_garden(Path({str(ROOT / 'docs')!r}))\n"
        "matcher = matcher_for(garden.concepts)\n"
        "print(sorted(matcher.senses.detected.items()))\n"
        "print('wordfreq' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    detected, imported = run.stdout.strip().splitlines()
    assert imported == "False"
    here = matcher_for(GARDEN.concepts)  # this process may have wordfreq: the same verdicts
    assert detected == str(sorted(here.senses.detected.items()))
    assert "English" in detected
    assert wordfreq.zipf_frequency("token", "en") >= sense_module.ENGLISH_ZIPF



def test_word_scores_begun_ahead_are_the_scores_asked_for_later(monkeypatch):
    aliases = [a for c in load_garden(ROOT / "docs").concepts for a in c.aliases]
    expected = sense_module.word_scores(aliases)
    monkeypatch.setattr(sense_module, "_ZIPF", {})
    monkeypatch.setattr(segmenter, "_readings", [])
    monkeypatch.setattr(segmenter, "_read_ahead", [])
    sense_module.word_scores_begun(aliases)()

    def asked_again(*args, **kwargs):
        raise AssertionError("word_scores asked a child again")
    monkeypatch.setattr(sense_module, "apart", asked_again)
    monkeypatch.setattr(segmenter, "_read_dictionary", asked_again)
    assert sense_module.word_scores(aliases) == expected
    assert any(expected[1].values()) and expected[0]  # both kinds of score are there
