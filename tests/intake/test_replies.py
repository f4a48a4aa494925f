"""The answer in a reply, without the quoted e-mail and the signature, from real samples."""

from __future__ import annotations

import email
import email.policy

import pytest

from portal.intake.replies import html_to_text, reply_text, strip_reply
from tests.support.mail import eml


def parsed(name: str):
    return email.message_from_bytes(eml(name), policy=email.policy.default)


SAMPLES = [
    (
        "gmail-pt.eml",
        "Perfeito, pode seguir com a versão 2.\nSó troquem a cor do botão para verde.\n\nObrigada!",
    ),
    (
        "gmail-en-html-only.eml",
        "Looks great, thanks!\nCould you also send a square version for Instagram?",
    ),
    (
        "outlook-pt-with-pdf.eml",
        "Bom dia,\n\nSegue o briefing atualizado em anexo, com os textos revisados.\n\nAtt.,\nAna",
    ),
    (
        "outlook-en-original-message.eml",
        "Hi Bruno,\n\nThe new photo works. Please publish on Friday morning.\n\nRegards,\nJohn",
    ),
    ("apple-mail-pt-with-photo.eml", "Pode sim! Segue a foto do produto para usar no post."),
    ("apple-mail-en.eml", "Approved. Thank you all!"),
    ("thunderbird-agent-pt.eml", "Oi, Ana! Já trocamos a foto. Pode conferir?\n\nAbraço,\nBruno"),
]


@pytest.mark.parametrize(("name", "answer"), SAMPLES)
def test_it_keeps_only_what_the_person_wrote(name, answer):
    assert reply_text(parsed(name)) == answer


@pytest.mark.parametrize(
    "name", ["gmail-pt.eml", "outlook-pt-with-pdf.eml", "thunderbird-agent-pt.eml"]
)
def test_the_html_part_gives_the_same_answer(name):
    message = parsed(name)
    from_html = strip_reply(html_to_text(message.get_body(("html",)).get_content()))
    from_text = reply_text(message)
    assert from_html.split() == from_text.split()


def test_answers_written_between_the_quoted_lines_are_kept():
    text = (
        "Em qua., 25 de nov. de 2026 às 10:00, Zwei Arts <\n"
        "atendimento@zweiarts.com.br> escreveu:\n"
        "> Qual cor?\n"
        "Verde.\n"
        "> Qual tamanho?\n"
        "Quadrado.\n"
        "-- \n"
        "Ana"
    )
    assert strip_reply(text) == "Verde.\nQuadrado."


def test_lines_that_look_like_an_attribution_are_not_taken_for_one():
    text = (
        "Em breve mando as fotos.\n"
        "Obrigada!\n\n"
        "Em 25 de nov. de 2026, à(s) 10:00, Zwei Arts <atendimento@zweiarts.com.br> escreveu:\n"
        "> Olá"
    )
    assert strip_reply(text) == "Em breve mando as fotos.\nObrigada!"


@pytest.mark.parametrize(
    "signature",
    [
        "Sent from my iPhone",
        "Enviado do meu iPhone",
        "Enviado do meu Galaxy",
        "Get Outlook for iOS",
    ],
)
def test_phone_signatures_are_dropped(signature):
    assert strip_reply(f"Ok!\n\n{signature}") == "Ok!"


def test_an_outlook_quote_alone_is_no_answer():
    text = (
        "\n________________________________\n"
        "De: Zwei Arts <atendimento@zweiarts.com.br>\n"
        "Enviado: quarta-feira, 25 de novembro de 2026 10:00\n"
        "Para: Ana Souza <ana@acme.test>\n"
        "Assunto: [#1] Post de Natal\n\n"
        "Olá, Ana!"
    )
    assert strip_reply(text) == ""


def test_html_is_text_without_markup_styles_or_quotes():
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>Ol&aacute; &amp; <b>obrigada</b>!</p><div>Linha 2<br>Linha 3</div>"
        '<blockquote type="cite"><div><blockquote>aninhado</blockquote>citação</div></blockquote>'
        "<p>Fim</p></body></html>"
    )
    assert html_to_text(html) == "Olá & obrigada!\n\nLinha 2\nLinha 3\n\nFim"
