// All widget CSS. It lives inside a shadow root (host page styles can't leak in, ours can't leak
// out) and every class is still prefixed "lo-" for browsers without shadow DOM.
// Palette: calm government blue, neutral greys, one warm colour for warnings.
export const CSS = `
:host{all:initial}
.lo-root{--p:#1d5fb4;--pd:#164a8c;--pl:#eaf1fb;--bg:#f3f6fa;--bd:#dde4ee;--tx:#1f2933;--mu:#667385;
font:15px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;
color:var(--tx);-webkit-text-size-adjust:100%;text-align:left}
.lo-root *,.lo-root *::before,.lo-root *::after{box-sizing:border-box}
.lo-root [hidden]{display:none!important}
.lo-root :focus-visible{outline:3px solid rgba(29,95,180,.45);outline-offset:2px}
.lo-icon,.lo-avatar,.lo-avatar-sm{display:inline-flex;flex:none}
.lo-icon svg,.lo-avatar svg,.lo-avatar-sm svg{display:block;width:100%;height:100%}

.lo-launcher{position:fixed;right:calc(20px + env(safe-area-inset-right));bottom:calc(20px + env(safe-area-inset-bottom));
z-index:2147483000;display:flex;align-items:center;gap:8px;height:52px;padding:0 22px 0 18px;border:0;border-radius:26px;
background:var(--p);color:#fff;font:inherit;font-size:16px;font-weight:600;letter-spacing:.5px;cursor:pointer;
box-shadow:0 6px 20px rgba(22,74,140,.35);transition:background .15s,transform .15s}
.lo-launcher:hover{background:var(--pd);transform:translateY(-1px)}
.lo-launcher .lo-icon{width:24px;height:24px}
.lo-badge{position:absolute;top:6px;right:10px;width:11px;height:11px;border-radius:50%;background:#e5484d;border:2px solid #fff;display:none}
.lo-unread .lo-badge{display:block}

.lo-panel{position:fixed;right:calc(20px + env(safe-area-inset-right));bottom:calc(88px + env(safe-area-inset-bottom));
z-index:2147483001;width:384px;height:600px;height:min(640px,calc(100vh - 112px));display:none;flex-direction:column;
background:#fff;border-radius:14px;overflow:hidden;border:1px solid rgba(15,40,80,.08);
box-shadow:0 12px 40px rgba(15,40,80,.22),0 2px 8px rgba(15,40,80,.08)}
.lo-open .lo-panel{display:flex}
.lo-animate .lo-panel{animation:lo-in .18s ease-out}
@keyframes lo-in{from{opacity:0;transform:translateY(8px)}}

.lo-header{flex:none;display:flex;align-items:center;gap:12px;padding:14px 8px 14px 16px;color:#fff;
background:linear-gradient(135deg,#184a90,#2468c2)}
.lo-avatar{width:42px;height:42px;padding:9px;border-radius:50%;background:rgba(255,255,255,.16);box-shadow:inset 0 0 0 1px rgba(255,255,255,.25)}
.lo-head-text{flex:1;min-width:0}
.lo-title{margin:0;font-size:17px;font-weight:600;line-height:1.4;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lo-subtitle{display:flex;align-items:center;gap:6px;font-size:12.5px;line-height:1.5;opacity:.88;white-space:nowrap;overflow:hidden}
.lo-online{flex:none;width:7px;height:7px;border-radius:50%;background:#5fd68a}
.lo-close{flex:none;width:44px;height:44px;padding:12px;border:0;border-radius:10px;background:transparent;color:#fff;cursor:pointer}
.lo-close:hover{background:rgba(255,255,255,.14)}
.lo-close:focus-visible{outline-color:#fff}
.lo-status{flex:none;padding:7px 16px;font-size:13px;line-height:1.5;background:#fff6e0;color:#7a5200;border-bottom:1px solid #f1dfb0}

.lo-log{flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;-webkit-overflow-scrolling:touch;
display:flex;flex-direction:column;gap:12px;padding:16px 14px 12px;background:var(--bg)}
.lo-log:focus-visible{outline-offset:-3px}
.lo-row{display:flex;gap:8px;max-width:100%}
.lo-row-bot{align-items:flex-start}
.lo-row-user{flex-direction:column;align-items:flex-end}
.lo-avatar-sm{width:32px;height:32px;padding:7px;border-radius:50%;background:#dfe9f7;color:var(--p)}
.lo-bot-content{min-width:0;max-width:calc(100% - 46px);display:flex;flex-direction:column;gap:8px}
.lo-bubble{padding:10px 14px;border-radius:14px;overflow-wrap:anywhere;word-break:break-word}
.lo-bubble-bot{background:#fff;border:1px solid var(--bd);border-top-left-radius:4px;box-shadow:0 1px 2px rgba(15,40,80,.04)}
.lo-bubble-user{max-width:82%;background:var(--p);color:#fff;border-top-right-radius:4px;white-space:pre-wrap}
.lo-pending .lo-bubble-user{opacity:.6}
.lo-retry{display:flex;align-items:center;min-height:40px;padding:0 4px;border:0;background:none;color:#c93c3c;font:inherit;font-size:13px;cursor:pointer}
.lo-retry::before{content:"!";display:inline-flex;align-items:center;justify-content:center;width:16px;height:16px;margin-right:6px;
border-radius:50%;background:#c93c3c;color:#fff;font-size:11px;font-weight:700}
.lo-p{margin:0}
.lo-p+.lo-p,.lo-p+.lo-list,.lo-list+.lo-p,.lo-list+.lo-list{margin-top:8px}
.lo-list{margin:0;padding-left:1.5em}
.lo-list li{margin:3px 0}
.lo-link{color:var(--p);text-decoration:underline;text-underline-offset:2px;overflow-wrap:anywhere}
.lo-notice{align-self:center;max-width:90%;padding:4px 12px;border-radius:12px;background:#e6ecf4;color:var(--mu);font-size:12.5px;text-align:center}

.lo-cards{display:flex;flex-direction:column;gap:8px}
.lo-carousel{display:flex;gap:8px;overflow-x:auto;scroll-snap-type:x mandatory;padding-bottom:4px}
.lo-carousel .lo-card{flex:0 0 82%;scroll-snap-align:start}
.lo-card{background:#fff;border:1px solid var(--bd);border-radius:12px;overflow:hidden;box-shadow:0 1px 2px rgba(15,40,80,.04)}
.lo-card-img{display:block;width:100%;max-height:150px;object-fit:cover;background:#eef2f7}
.lo-card-body{padding:12px 14px}
.lo-card-thumb .lo-card-main{display:flex;gap:12px;padding:12px 14px}
.lo-card-thumb .lo-card-img{width:64px;height:64px;border-radius:8px}
.lo-card-thumb .lo-card-body{flex:1;min-width:0;padding:0}
.lo-card-title{font-size:15.5px;font-weight:600;line-height:1.45;color:#14315c}
.lo-card-sub{margin-top:2px;font-size:13px;color:var(--mu)}
.lo-card-text{margin-top:6px;font-size:14px;color:#3a4654}
.lo-card-actions{display:flex;flex-direction:column}
.lo-card-btn{display:flex;align-items:center;justify-content:center;min-height:44px;padding:8px 14px;border:0;border-top:1px solid #e9eef5;
background:#fff;color:var(--p);font:inherit;font-size:14.5px;text-decoration:none;cursor:pointer}
.lo-card-btn:hover{background:#f3f7fd}
.lo-image{display:block;max-width:100%;border-radius:10px;border:1px solid var(--bd)}

.lo-suggest{display:flex;flex-wrap:wrap;gap:8px;padding-left:40px}
.lo-chip{display:inline-flex;align-items:center;min-height:40px;padding:8px 14px;border:1px solid #b7cbe8;border-radius:20px;
background:#fff;color:var(--p);font:inherit;font-size:14px;line-height:1.35;text-align:left;text-decoration:none;cursor:pointer;transition:background .15s}
.lo-chip:hover{background:var(--pl);border-color:var(--p)}

.lo-typing{display:flex;align-items:center;gap:5px;padding:14px 16px}
.lo-dot{width:7px;height:7px;border-radius:50%;background:#97a6b8;animation:lo-blink 1.2s infinite ease-in-out}
.lo-dot:nth-child(2){animation-delay:.2s}
.lo-dot:nth-child(3){animation-delay:.4s}
@keyframes lo-blink{0%,80%,100%{opacity:.35;transform:none}40%{opacity:1;transform:translateY(-3px)}}

.lo-composer{flex:none;display:flex;align-items:flex-end;gap:8px;padding:10px 12px 8px;border-top:1px solid var(--bd);background:#fff}
.lo-input{flex:1;min-width:0;height:44px;min-height:44px;max-height:128px;margin:0;padding:10px 12px;resize:none;
border:1px solid #cdd6e2;border-radius:10px;background:#fff;color:var(--tx);font:inherit;font-size:16px;line-height:1.45;outline:none}
.lo-input::placeholder{color:#98a3b1}
.lo-root .lo-input:focus{outline:none;border-color:var(--p);box-shadow:0 0 0 3px rgba(29,95,180,.14)}
.lo-send{flex:none;display:inline-flex;align-items:center;justify-content:center;gap:4px;min-width:68px;height:44px;padding:0 14px;
border:0;border-radius:10px;background:var(--p);color:#fff;font:inherit;font-size:16px;font-weight:600;cursor:pointer}
.lo-send:hover{background:var(--pd)}
.lo-send .lo-icon{width:17px;height:17px}
.lo-note{flex:none;padding:0 12px 8px;background:#fff;color:#8b97a6;font-size:11.5px;line-height:1.5;text-align:center}

@media (max-width:480px){
.lo-root{font-size:16px}
.lo-launcher{right:calc(16px + env(safe-area-inset-right));bottom:calc(16px + env(safe-area-inset-bottom))}
.lo-open .lo-launcher{display:none}
.lo-panel{top:0;right:0;bottom:0;left:0;width:auto;height:auto;border:0;border-radius:0;box-shadow:none}
.lo-header{padding-top:calc(12px + env(safe-area-inset-top));padding-left:calc(16px + env(safe-area-inset-left));padding-right:calc(8px + env(safe-area-inset-right))}
.lo-log,.lo-composer,.lo-note{padding-left:calc(12px + env(safe-area-inset-left));padding-right:calc(12px + env(safe-area-inset-right))}
.lo-note{padding-bottom:calc(8px + env(safe-area-inset-bottom))}
.lo-bubble-user{max-width:86%}
}
@media (prefers-reduced-motion:reduce){.lo-root *{animation:none!important;transition:none!important}}
`;
