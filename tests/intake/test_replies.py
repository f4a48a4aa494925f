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


# A client whose mail client words the quote's header in a way no rule knows: the
# notification's first line, "## Responda acima desta linha ##", still ends the answer.
WEBMAIL_REPLY = """Pode publicar na sexta, obrigada!

Ana

Zwei Arts <atendimento@zweiarts.com.br> escreveu em 25/11/2026 10:02:
> ## Responda acima desta linha ##
>
> Olá, Ana!
>
> Bruno Agente respondeu e marcou como AGUARDANDO RETORNO.
"""

OUTLOOK_PLAIN_REPLY = """Aprovado.

________________________________
## Reply above this line ##

Hello, John!
Bruno Agente answered your request #12:
"""

UNPREFIXED_REPLY = """Segue a foto nova.

Enviado pelo webmail em 25/11/2026 às 10:05, Zwei Arts <atendimento@zweiarts.com.br>:
## Responda acima desta linha ##
Olá, Ana!
Bruno Agente respondeu à sua solicitação #12:
"""


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (WEBMAIL_REPLY, "Pode publicar na sexta, obrigada!\n\nAna"),
        (OUTLOOK_PLAIN_REPLY, "Aprovado."),
        (UNPREFIXED_REPLY, "Segue a foto nova."),
    ],
)
def test_the_reply_marker_ends_the_answer(text, answer):
    assert strip_reply(text) == answer


def test_the_marker_in_an_html_reply_ends_the_answer_too():
    html = (
        "<div>Combinado, pode seguir.</div><br>"
        "<div>Em qua, Zwei Arts &lt;atendimento@zweiarts.com.br&gt; disse:</div>"
        '<div style="margin-left:1em">## Responda acima desta linha ##<br>Olá, Ana!</div>'
    )
    assert strip_reply(html_to_text(html)) == "Combinado, pode seguir."


def test_a_line_that_only_mentions_the_marker_is_kept():
    text = "Vi a frase responda acima desta linha no e-mail, é só isso?\n"
    assert strip_reply(text) == text.strip()
