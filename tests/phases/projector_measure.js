() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const content = node.textContent.trim();
    if (!content) continue;
    const el = node.parentElement;
    if (!el || el.closest("title, desc, script, style, .visually-hidden")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size *= Math.sqrt(m.a * m.a + m.b * m.b);
    }
    texts.push({ text: content.slice(0, 40), size: Math.round(size * 10) / 10 });
  }
  return { texts, scrollH: document.documentElement.scrollHeight - window.innerHeight, scrollW: document.documentElement.scrollWidth - window.innerWidth };
}
