"""Follow-ups pointing at the strategy just named ("ข้อนี้มีตัวชี้วัดอะไรบ้าง")."""

from __future__ import annotations


def test_this_strategys_indicators_are_listed(bot):
    bot.ask("ลปลพ นโยบายที่ 3 ชื่อว่าอะไร", conversation_id="fs7-1")
    ans = bot.ask("ข้อนี้มีตัวชี้วัดอะไรบ้างคะ", conversation_id="fs7-1")
    assert ans.status == "answered"
    assert "นโยบายที่ 3 มี" in ans.answer.splitlines()[1]
    numbers = [ln.split("›")[1].split(":")[0].strip() for ln in ans.answer.splitlines() if "›" in ln]
    assert numbers and all(n.startswith("ตัวชี้วัดที่") for n in numbers)
    assert all("นโยบายที่ 3 ›" in ln for ln in ans.answer.splitlines() if "›" in ln)


def test_a_name_question_leaves_no_topic_behind(bot):
    q = bot.understand("ยส.2 กลยุทธ์ที่ 3 ชื่อว่าอะไร")
    assert q.terms == [] and q.strategy == "3"


def test_a_count_asked_with_one_strategy(bot):
    # "มีกี่กลยุทธ์ แล้วกลยุทธ์ที่ 2 …": the count, then the strategy asked
    ans = bot.ask("ยส.2 มีกลยุทธ์กี่ข้อ แล้วกลยุทธ์ที่ 2 เกี่ยวกับอะไร")
    first, second = ans.answer.splitlines()[:2]
    assert first.startswith("สพป.ยโสธร เขต 2 มีกลยุทธ์ 4 ข้อ (กลยุทธ์ที่ 4:")
    assert second.startswith("สพป.ยโสธร เขต 2 · กลยุทธ์ที่ 2:")
    assert "มีกลยุทธ์" not in bot.ask("ยส.2 กลยุทธ์ที่ 2 เกี่ยวกับอะไร").answer


def test_a_lists_figures_take_the_unit_the_row_starts_with(bot):
    # ลปลพ policy 4's rows 2-6 print no unit; a row worded "ร้อยละของ…" counts in ร้อยละ
    ans = bot.ask("สพม.ลำปาง ลำพูน นโยบาย 4 มีตัวชี้วัดอะไรบ้าง พร้อมเป้าปี 68")
    by_row = {v.indicator: v.unit for v in ans.values}
    assert by_row and by_row.get("4") == "ร้อยละ"
    assert "ปี 2568: เป้า ร้อยละ" in ans.answer


def test_whose_plan_prints_a_quoted_text(bot):
    # an office's plan prints it: that office, cited
    ans = bot.ask("ค่านิยมที่เขียนว่า 'LP ONE TEAM' เป็นของสำนักงานไหนครับ")
    assert ans.status == "answered" and ans.answer == "ข้อความนี้อยู่ในแผนของ สพม.ลำปาง ลำพูน"
    assert "LP ONE TEAM" in ans.citations[0].quote
    # only the document that names no office prints it: no office (not_found), the document cited
    ans = bot.ask("วิสัยทัศน์ 'คนไทยทุกคนได้รับการศึกษาและเรียนรู้ตลอดชีวิตอย่างมีคุณภาพ' เป็นของ สพม.ไหน")
    assert ans.status == "not_found" and ans.citations and "ไม่ได้ระบุชื่อหน่วยงาน" in ans.answer
    assert bot.ask("พันธกิจ 'ปลูกผักบนดาวอังคารให้ครบทุกโรงเรียน' เป็นของเขตไหน").status == "not_found"
