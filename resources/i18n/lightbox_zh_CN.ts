<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name />
        <message>
            <location filename="../../editor/qt/param_form.py" />
            <source>Auto</source>
            <translation>自动</translation>
        </message>
    </context>
    <context>
        <name>AutolabelFeature</name>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>&amp;Train on This Folder's Corrections…</source>
            <translation>用此文件夹的修正训练(&amp;T)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Auto-label</source>
            <translation>自动标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Auto-label cannot run: {error}</source>
            <translation>自动标注无法运行：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Auto-label needs the “autolabel” plugin, which is not installed.</source>
            <translation>自动标注需要“autolabel”插件，但它未安装。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Box tool: A accepts the selected box, X rejects it. Dashed boxes need review.</source>
            <translation>框工具：A 接受选中的框，X 拒绝。虚线框需要复核。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Every photo of the folder already has labels.</source>
            <translation>文件夹中的每张照片都已有标注。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>No labels on this photo yet.</source>
            <translation>这张照片还没有标注。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Open a folder for annotation first (Label → Open Folder for Annotation…).</source>
            <translation>请先打开一个文件夹进行标注（标注 → 打开文件夹进行标注…）。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label</source>
            <translation>预标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label &amp;Photo</source>
            <translation>预标注照片(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label Folder</source>
            <translation>预标注文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label Folder by &amp;Uncertainty</source>
            <translation>按不确定度预标注文件夹(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label Folder by Uncertainty</source>
            <translation>按不确定度预标注文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-label Photo</source>
            <translation>预标注照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-labelled {count} photos; the most uncertain come first</source>
            <translation>已预标注 {count} 张照片；最不确定的排在最前</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Pre-labels less confident than this are hidden; accepted boxes always show</source>
            <translation>置信度低于此值的预标注会被隐藏；已接受的框始终显示</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Round {n}: mAP@0.5 {map:.2f}, boxes found {ap:.2f}, accepted as is {share:.0%} ({count} held-out photos)</source>
            <translation>第 {n} 轮：mAP@0.5 {map:.2f}，框检出率 {ap:.2f}，直接接受 {share:.0%}（{count} 张留出照片）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Show pre-labels from {value} %</source>
            <translation>显示置信度 {value}% 以上的预标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Show pre-labels from {value} % confidence</source>
            <translation>显示置信度 {value}% 以上的预标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Train on Folder</source>
            <translation>用文件夹训练</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Train on This Folder's Corrections…</source>
            <translation>用此文件夹的修正训练…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>Unlabelled photos, most uncertain first: double-click to open one</source>
            <translation>未标注的照片，最不确定的在前：双击打开</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>{count} pre-labels; {review} need review</source>
            <translation>{count} 个预标注；{review} 个需要复核</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>{title}: {error}</source>
            <translation>{title}：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>{total} boxes: {pending} not yet accepted, {review} to review (dashed), {hidden} hidden by the slider</source>
            <translation>共 {total} 个框：{pending} 个尚未接受，{review} 个待复核（虚线），{hidden} 个被滑块隐藏</translation>
        </message>
    </context>
    <context>
        <name>BackgroundFeature</name>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Applied: hide or edit the Shadow layer in Layers.</source>
            <translation>已应用：可在图层面板中隐藏或编辑阴影图层。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Apply cancelled.</source>
            <translation>已取消应用。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Apply failed: {error}</source>
            <translation>应用失败：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Applying; the product is {source}.</source>
            <translation>正在应用；商品取自{source}。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Background</source>
            <translation>背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Cannot apply: {error}</source>
            <translation>无法应用：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>No preview: {error}</source>
            <translation>无预览：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>No product found: select it, or cut it out with the Cutout tool.</source>
            <translation>未找到商品：请选中它，或用抠图工具把它抠出来。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>Open a photo to restyle its background.</source>
            <translation>打开一张照片以更换背景。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>The background plugin cannot run: {error}</source>
            <translation>背景插件无法运行：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>The “background” plugin is not installed.</source>
            <translation>“background”插件未安装。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>found automatically</source>
            <translation>自动查找</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>the mask “{name}”</source>
            <translation>蒙版“{name}”</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/background.py" />
            <source>the selection</source>
            <translation>选区</translation>
        </message>
    </context>
    <context>
        <name>BackgroundPanel</name>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>A photo to put the product on</source>
            <translation>放置商品的照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Adjust the product's colour and light to image, blurred-photo and sweep backdrops (never on white, a colour or a gradient, where its true colour matters)</source>
            <translation>让商品的颜色和光线与图片、虚化照片和无缝背景协调（白底、纯色和渐变背景上从不调整，这些场景商品的真实颜色更重要）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Angle</source>
            <translation>角度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Apply</source>
            <translation>应用</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Applying…</source>
            <translation>正在应用…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Auto</source>
            <translation>自动</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Automatic</source>
            <translation>自动</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Backdrop</source>
            <translation>背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Backdrop Colour</source>
            <translation>背景颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Backdrop Image</source>
            <translation>背景图片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Blur</source>
            <translation>虚化</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Blurred photo</source>
            <translation>虚化原图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Blush</source>
            <translation>腮红粉</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Charcoal</source>
            <translation>炭灰</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Choose…</source>
            <translation>选择…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Colour</source>
            <translation>颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Contact</source>
            <translation>接触阴影</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Derive the second colour from the first</source>
            <translation>由第一种颜色推算第二种颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Direction of the gradient: 0° left to right, 90° bottom to top</source>
            <translation>渐变方向：0° 从左到右，90° 从下到上</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Distance</source>
            <translation>距离</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Drop</source>
            <translation>投影</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>From the photo</source>
            <translation>来自照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Gradient</source>
            <translation>渐变</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Harmonise with the scene</source>
            <translation>与场景协调</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>How strongly the photo's own backdrop is blurred</source>
            <translation>照片原背景的虚化程度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Image</source>
            <translation>图片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Image blur</source>
            <translation>图片虚化</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp)</source>
            <translation>图片 (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Keep the photo's</source>
            <translation>保留原背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Light angle</source>
            <translation>光源角度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Light grey</source>
            <translation>浅灰</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>None</source>
            <translation>无</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Opacity</source>
            <translation>不透明度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Put the product on this backdrop at full size: new layers for the backdrop, the shadow and the product, in one undo step</source>
            <translation>以全尺寸把商品放到此背景上：背景、阴影和商品各成新图层，可一步撤销</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Reflection</source>
            <translation>倒影</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Sage</source>
            <translation>鼠尾草绿</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Second colour</source>
            <translation>第二颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Shadow</source>
            <translation>阴影</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Soft blue</source>
            <translation>柔和蓝</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Softness</source>
            <translation>柔和度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Strength</source>
            <translation>强度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Studio sweep</source>
            <translation>影棚无缝背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Swatches</source>
            <translation>色板</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>The backdrop colour (the floor of a sweep, where a gradient starts)</source>
            <translation>背景颜色（无缝背景的地面，渐变的起点）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>The new backdrop behind the product</source>
            <translation>商品后面的新背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>The preview appears here.</source>
            <translation>预览会显示在这里。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Warm beige</source>
            <translation>暖米色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Where a gradient ends; the wall of a sweep (empty: the first colour a little darker)</source>
            <translation>渐变的终点；无缝背景的墙面（留空：第一种颜色稍暗）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>Where the light comes from (90° above, 135° upper left); the shadow falls the other way</source>
            <translation>光线来向（90° 上方，135° 左上）；阴影落向相反方向</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/background.py" />
            <source>White</source>
            <translation>白色</translation>
        </message>
    </context>
    <context>
        <name>BoxTool</name>
        <message>
            <location filename="../../editor/qt/tools/boxes.py" />
            <source>Key {number}: there are no classes yet; add one in the Classes panel</source>
            <translation>按键 {number}：还没有类别；请在类别面板中添加</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/boxes.py" />
            <source>Key {number}: there are only {count} classes (keys 1-{count}); add more in the Classes panel</source>
            <translation>按键 {number}：只有 {count} 个类别（按键 1-{count}）；请在类别面板中添加更多</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/boxes.py" />
            <source>The layer “{name}” is locked</source>
            <translation>图层“{name}”已锁定</translation>
        </message>
    </context>
    <context>
        <name>CanvasTools</name>
        <message>
            <location filename="../../editor/qt/canvas_tools.py" />
            <source>Deselect</source>
            <translation>取消选择</translation>
        </message>
    </context>
    <context>
        <name>Catalogue</name>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source> ({failed} could not be moved)</source>
            <translation>（{failed} 个无法移动）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>(press Rebuild)</source>
            <translation>（请点击“重建”）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Catalogue</source>
            <translation>商品图库</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Catalogue: {message}</source>
            <translation>商品图库：{message}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Choose a catalogue folder</source>
            <translation>选择商品图库文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Choose a folder of product photos to search.</source>
            <translation>选择要搜索的商品照片文件夹。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Choose folder…</source>
            <translation>选择文件夹…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Choose photos to tag</source>
            <translation>选择要打标签的照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Duplicates</source>
            <translation>重复图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Find duplicates</source>
            <translation>查找重复图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Finding duplicates failed</source>
            <translation>查找重复图失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Group {n}: {count} copies</source>
            <translation>第 {n} 组：{count} 张副本</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Indexing failed</source>
            <translation>建立索引失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Indexing {folder}…</source>
            <translation>正在为 {folder} 建立索引…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Keep the best</source>
            <translation>保留最佳</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Kept {name}; {n} copies moved to the trash</source>
            <translation>已保留 {name}；{n} 张副本已移到回收站</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Looking for duplicates…</source>
            <translation>正在查找重复图…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Matching failed</source>
            <translation>匹配失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Most similar in the catalogue:</source>
            <translation>图库中最相似的：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Move the other copies of the selected group to the trash, keeping the largest, sharpest one</source>
            <translation>把所选组中的其他副本移到回收站，保留最大、最清晰的一张</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>No duplicates found.</source>
            <translation>没有发现重复图。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Rebuild</source>
            <translation>重建</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Save the tags as</source>
            <translation>标签保存为</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Tag a folder…</source>
            <translation>为文件夹打标签…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Tagging failed</source>
            <translation>打标签失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Tagging {folder}…</source>
            <translation>正在为 {folder} 打标签…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Tags: none ({why})</source>
            <translation>标签：无（{why}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>Tags: open a photo</source>
            <translation>标签：请打开一张照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Tags: {label} ({score:.0%}), {coarse}</source>
            <translation>标签：{label}（{score:.0%}），{coarse}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>Tags: …</source>
            <translation>标签：…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>check this</source>
            <translation>需核对</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>no classifier</source>
            <translation>没有分类器</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>no classifier: train one with Tools → Train… (classify)</source>
            <translation>没有分类器：请通过 工具 → 训练…（classify）训练一个</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/catalogue.py" />
            <source>{name} (best)</source>
            <translation>{name}（最佳）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>{n} groups of duplicates</source>
            <translation>{n} 组重复图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>{n} photos in {folder} ({new} embedded, {skipped} skipped)</source>
            <translation>{folder} 中 {n} 张照片（新计算 {new} 张，跳过 {skipped} 张）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/catalogue.py" />
            <source>{n} photos tagged into {file}; {flagged} to check, {skipped} unreadable</source>
            <translation>已为 {n} 张照片打标签并写入 {file}；{flagged} 张需核对，{skipped} 张无法读取</translation>
        </message>
    </context>
    <context>
        <name>ClassesPanel</name>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>Add a class</source>
            <translation>添加一个类别</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>Delete the class and its boxes on this image</source>
            <translation>删除该类别及其在本图中的框</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>Key {key}: {name}, {count} boxes on this image</source>
            <translation>按键 {key}：{name}，本图中 {count} 个框</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>Keys 1–9 give the selected boxes a class; A accepts a dashed (low-confidence) box.</source>
            <translation>按 1–9 为选中的框指定类别；A 接受虚线（低置信度）框。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>Rename the class</source>
            <translation>重命名该类别</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/classes.py" />
            <source>{key}  {name}  ({count})</source>
            <translation>{key}  {name}  （{count}）</translation>
        </message>
    </context>
    <context>
        <name>Compare</name>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>(deleted layer)</source>
            <translation>（已删除的图层）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>After</source>
            <translation>处理后</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>All layers</source>
            <translation>所有图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>Before</source>
            <translation>处理前</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>Compare side by side</source>
            <translation>并排对比</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compare.py" />
            <source>Compare: &amp;Split View</source>
            <translation>对比：分割视图(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compare.py" />
            <source>Compare: Side &amp;by Side</source>
            <translation>对比：并排(&amp;B)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compare.py" />
            <source>Drag the divider to compare before and after; Y again closes it</source>
            <translation>拖动分隔线对比处理前后；再按 Y 关闭</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>Swap the two sides</source>
            <translation>交换左右两侧</translation>
        </message>
        <message>
            <location filename="../../editor/qt/compare.py" />
            <source>Without the top layer</source>
            <translation>不含顶层</translation>
        </message>
    </context>
    <context>
        <name>Compliance</name>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Compliance</source>
            <translation>合规检查</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Compliance: {what}: {error}</source>
            <translation>合规检查：{what}：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Fixed for {profile}</source>
            <translation>已按 {profile} 修复</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Fixed: {rule}</source>
            <translation>已修复：{rule}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Nothing to fix.</source>
            <translation>没有需要修复的问题。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Open a photo to check it.</source>
            <translation>打开一张照片以进行检查。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>Press Check to check the photo.</source>
            <translation>点击“检查”以检查照片。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>The check failed</source>
            <translation>检查失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>The fix failed</source>
            <translation>修复失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>The photo changed while it was being fixed; press Fix again.</source>
            <translation>修复过程中照片被改动；请再次点击“修复”。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>{name} ({fixes}).</source>
            <translation>{name}（{fixes}）。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compliance.py" />
            <source>{what}; see the message above.</source>
            <translation>{what}；见上方消息。</translation>
        </message>
    </context>
    <context>
        <name>CompliancePanel</name>
        <message numerus="yes">
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>, %n warning(s)</source>
            <translation>
                <numerusform>，%n 个警告</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Add white space where the product meets the frame's edge; check first that the frame did not cut it off</source>
            <translation>在商品碰到画面边缘处补白边；请先确认商品没有被画面裁掉</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Check</source>
            <translation>检查</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Check again after every change to the photo</source>
            <translation>照片每次改动后重新检查</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Checking…</source>
            <translation>正在检查…</translation>
        </message>
        <message numerus="yes">
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Fails {profile}: %n error(s)</source>
            <translation>
                <numerusform>未通过 {profile}：%n 个错误</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Fix</source>
            <translation>修复</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Fix All</source>
            <translation>全部修复</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Fix every error that has a fix, in one step</source>
            <translation>一步修复所有可修复的错误</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Fix this problem ({fix})</source>
            <translation>修复此问题（{fix}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Live check</source>
            <translation>实时检查</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Open a photo to check it.</source>
            <translation>打开一张照片以进行检查。</translation>
        </message>
        <message numerus="yes">
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Passes {profile}, with %n warning(s).</source>
            <translation>
                <numerusform>通过 {profile}，有 %n 个警告。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Passes {profile}.</source>
            <translation>通过 {profile}。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Problem</source>
            <translation>问题</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>Rule</source>
            <translation>规则</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/compliance.py" />
            <source>The marketplace rules to check the photo against</source>
            <translation>用于检查照片的电商平台规则</translation>
        </message>
    </context>
    <context>
        <name>CropTool</name>
        <message>
            <location filename="../../editor/qt/tools/crop.py" />
            <source>Aspect</source>
            <translation>比例</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/crop.py" />
            <source>Crop</source>
            <translation>裁剪</translation>
        </message>
    </context>
    <context>
        <name>CutoutFeature</name>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>A new layer: the photo, transparent outside the active mask</source>
            <translation>新图层：照片本身，当前蒙版以外的部分透明</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cut &amp;Out with Mask</source>
            <translation>按蒙版抠图(&amp;O)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cut Out with Mask</source>
            <translation>按蒙版抠图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cut out with mask</source>
            <translation>按蒙版抠图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cutout</source>
            <translation>抠图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cutout cannot run: {error}</source>
            <translation>抠图无法运行：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cutout needs the “segment” plugin, which is not installed.</source>
            <translation>抠图需要“segment”插件，但它未安装。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Cutout: {error}</source>
            <translation>抠图：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Save Training Pair To</source>
            <translation>训练样本保存到</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Save as &amp;Training Pair…</source>
            <translation>保存为训练样本(&amp;T)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Save as Training Pair</source>
            <translation>保存为训练样本</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Save the photo and the active mask as an example for training the cutout model</source>
            <translation>将照片和当前蒙版保存为训练抠图模型的样例</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>Saved the training pair “{name}” in {folder}; train with: lightbox train segment {folder}</source>
            <translation>已将训练样本“{name}”保存到 {folder}；训练命令：lightbox train segment {folder}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>The mask “{name}” is empty.</source>
            <translation>蒙版“{name}”是空的。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>{title} needs a mask: pick the product with the Cutout tool or choose a mask layer.</source>
            <translation>{title} 需要蒙版：请用抠图工具选取商品，或选择一个蒙版图层。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <source>{title}: unexpected error ({error})</source>
            <translation>{title}：意外错误（{error}）</translation>
        </message>
    </context>
    <context>
        <name>CutoutTool</name>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Add brush</source>
            <translation>加选画笔</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Add click</source>
            <translation>加选点击</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Add to mask</source>
            <translation>添加到蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Box</source>
            <translation>框</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Brush size</source>
            <translation>画笔大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Brush strokes stop at the product's edges, and picked masks get soft edges</source>
            <translation>画笔笔触停在商品边缘，选取的蒙版带柔和边缘</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Cutout needs the “Cut out product” plugin, which is not installed.</source>
            <translation>抠图需要“商品抠图”插件，但它未安装。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Edge snap</source>
            <translation>边缘吸附</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>New product</source>
            <translation>新商品</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Remove click</source>
            <translation>减选点击</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Subtract brush</source>
            <translation>减选画笔</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Subtract from mask</source>
            <translation>从蒙版中减去</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>The next box or click starts a new product mask layer</source>
            <translation>下一次框选或单击将新建一个商品蒙版图层</translation>
        </message>
    </context>
    <context>
        <name>CutoutView</name>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Export &amp;Cutout…</source>
            <translation>导出抠图(&amp;C)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Export Cutout</source>
            <translation>导出抠图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Export on &amp;White…</source>
            <translation>导出白底图(&amp;W)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Export on White</source>
            <translation>导出白底图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Exported {name}</source>
            <translation>已导出 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>JPEG (*.jpg);;PNG (*.png)</source>
            <translation>JPEG (*.jpg);;PNG (*.png)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>PNG (*.png)</source>
            <translation>PNG (*.png)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Save the product alone as a PNG with transparency</source>
            <translation>把商品单独保存为带透明背景的 PNG</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Save the product on pure white, as a marketplace main image wants it</source>
            <translation>把商品放在纯白背景上保存，符合电商平台主图要求</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>Showing the cutout on transparency (the photo and mask are hidden). File → Export Cutout… saves it.</source>
            <translation>正在透明背景上显示抠图（照片和蒙版已隐藏）。文件 → 导出抠图… 可保存。</translation>
        </message>
        <message>
            <source>Showing the cutout on transparency: the photo and the mask are hidden (their eye icons show them). File → Export Cutout… saves it with transparency.</source>
            <translation type="vanished">正在透明背景上显示抠图：照片和蒙版已隐藏（点击它们的眼睛图标可显示）。文件 → 导出抠图… 可保存带透明背景的图片。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <source>There is no cutout yet: run Cut out product (or the Cutout tool, K) first.</source>
            <translation>还没有抠图：请先运行“商品抠图”（或使用抠图工具，K）。</translation>
        </message>
    </context>
    <context>
        <name>DatasetView</name>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>Choose the folder of examples to learn from.</source>
            <translation>选择用于学习的样例文件夹。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>Count</source>
            <translation>数量</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>Looking at {folder}…</source>
            <translation>正在查看 {folder}…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>No files were skipped.</source>
            <translation>没有跳过任何文件。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>Skipped files ({n}):</source>
            <translation>跳过的文件（{n}）：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>What</source>
            <translation>内容</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>{format}: {count} usable samples</source>
            <translation>{format}：{count} 个可用样本</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/folder_view.py" />
            <source>… and {n} more</source>
            <translation>… 另有 {n} 个</translation>
        </message>
    </context>
    <context>
        <name>DocumentFiles</name>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Background for JPEG</source>
            <translation>JPEG 背景色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Exported {name}</source>
            <translation>已导出 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Images and projects ({p})</source>
            <translation>图片和项目（{p}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>OpenRaster project (*.ora)</source>
            <translation>OpenRaster 项目 (*.ora)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Opening {name}…</source>
            <translation>正在打开 {name}…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Save As</source>
            <translation>另存为</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Save changes?</source>
            <translation>保存更改？</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Saved {name}</source>
            <translation>已保存 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>{path}: unexpected error ({error})</source>
            <translation>{path}：意外错误（{error}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>“{name}” has changes that are not saved.</source>
            <translation>“{name}”有未保存的更改。</translation>
        </message>
    </context>
    <context>
        <name>HelpDialogs</name>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>A desktop studio for e-commerce product photos. Everything runs on this computer: no photo leaves it and no model is downloaded.</source>
            <translation>面向电商商品图的桌面工作室。所有处理都在本机完成：照片不会离开这台电脑，也不会下载任何模型。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>About Lightbox</source>
            <translation>关于 Lightbox</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Bundled models</source>
            <translation>内置模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Libraries</source>
            <translation>软件库</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Licence</source>
            <translation>许可证</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Lightbox is licensed under Apache-2.0.</source>
            <translation>Lightbox 以 Apache-2.0 许可证发布。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Run Again</source>
            <translation>再次运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Running the self-test: every plugin on a sample photo…</source>
            <translation>正在自检：在示例照片上运行每个插件…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Self-Test</source>
            <translation>自检</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Self-test found problems (exit code {code}): copy these lines into your report.</source>
            <translation>自检发现问题（退出码 {code}）：请将这些内容复制到你的问题报告中。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Self-test passed.</source>
            <translation>自检通过。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>The self-test could not start: {error}</source>
            <translation>自检无法启动：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/help_dialogs.py" />
            <source>Validation</source>
            <translation>验证</translation>
        </message>
    </context>
    <context>
        <name>HelpFeature</name>
        <message>
            <location filename="../../editor/qt/features/help.py" />
            <source>&amp;About Lightbox</source>
            <translation>关于 Lightbox(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/help.py" />
            <source>&amp;Preferences…</source>
            <translation>首选项(&amp;P)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/help.py" />
            <source>Run &amp;Self-Test…</source>
            <translation>运行自检(&amp;S)…</translation>
        </message>
    </context>
    <context>
        <name>HistoryModel</name>
        <message>
            <location filename="../../editor/qt/panels/history.py" />
            <source>Click to go back to this step</source>
            <translation>单击回到这一步</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/history.py" />
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/history.py" />
            <source>Undone — click to redo up to here</source>
            <translation>已撤销——单击重做到此处</translation>
        </message>
    </context>
    <context>
        <name>JobController</name>
        <message>
            <location filename="../../editor/qt/jobs.py" />
            <source>Could not add the result: {error}</source>
            <translation>无法添加结果：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/jobs.py" />
            <source>Run {name}</source>
            <translation>运行 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/jobs.py" />
            <source>the image was cropped, resized, rotated or flipped while the job ran; run it again</source>
            <translation>任务运行期间图片被裁剪、缩放、旋转或翻转；请重新运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/jobs.py" />
            <source>{name} (selection)</source>
            <translation>{name}（选区）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/jobs.py" />
            <source>{name} cannot run: {error}</source>
            <translation>{name} 无法运行：{error}</translation>
        </message>
    </context>
    <context>
        <name>JobRow</name>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Cancel this job</source>
            <translation>取消此任务</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Details…</source>
            <translation>详情…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Done in {seconds:.1f} s</source>
            <translation>用时 {seconds:.1f} 秒完成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Queued</source>
            <translation>排队中</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Ran on {device}</source>
            <translation>运行于 {device}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Running on {device}</source>
            <translation>正在 {device} 上运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Waiting</source>
            <translation>等待中</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>{n} min left</source>
            <translation>剩余 {n} 分钟</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>{n} s left</source>
            <translation>剩余 {n} 秒</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>{title} failed</source>
            <translation>{title} 失败</translation>
        </message>
    </context>
    <context>
        <name>JobsPanel</name>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>Clear finished</source>
            <translation>清除已完成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/jobs.py" />
            <source>No jobs yet. Run a plugin to start one.</source>
            <translation>还没有任务。运行一个插件即可开始。</translation>
        </message>
    </context>
    <context>
        <name>LayerListModel</name>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>{name} is locked: unlock it to rename or delete it</source>
            <translation>{name} 已锁定：解锁后才能重命名或删除</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>{name} — double-click to rename</source>
            <translation>{name}——双击重命名</translation>
        </message>
    </context>
    <context>
        <name>LayersPanel</name>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Add an empty layer</source>
            <translation>添加空白图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Blend</source>
            <translation>混合模式</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Delete the layer</source>
            <translation>删除图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Duplicate the layer</source>
            <translation>复制图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Layer {n}</source>
            <translation>图层 {n}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Move the layer down</source>
            <translation>下移图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Move the layer up</source>
            <translation>上移图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Multiply</source>
            <translation>正片叠底</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Normal</source>
            <translation>正常</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Opacity</source>
            <translation>不透明度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>Screen</source>
            <translation>滤色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>{name} copy</source>
            <translation>{name} 副本</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/layers.py" />
            <source>“{name}” is locked: unlock it to delete it</source>
            <translation>“{name}”已锁定：解锁后才能删除</translation>
        </message>
    </context>
    <context>
        <name>Lightbox</name>
        <message>
            <location filename="../../editor/qt/app.py" />
            <source>Lightbox edits one photo at a time; opened {name}.</source>
            <translation>Lightbox 一次编辑一张照片；已打开 {name}。</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source> (and {count} more; see Details)</source>
            <translation>（另有 {count} 条，见详情）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/help.py" />
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>&amp;Export Labels…</source>
            <translation>导出标注(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout_view.py" />
            <location filename="../../editor/qt/features/recipes.py" />
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/help.py" />
            <location filename="../../editor/qt/features/shortcuts.py" />
            <location filename="../../editor/qt/features/tour.py" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>&amp;Import Labels…</source>
            <translation>导入标注(&amp;I)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <location filename="../../editor/qt/features/autolabel.py" />
            <source>&amp;Label</source>
            <translation>标注(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>&amp;Next Image</source>
            <translation>下一张图片(&amp;N)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>&amp;Previous Image</source>
            <translation>上一张图片(&amp;P)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Redo</source>
            <translation>重做(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Redo {step}</source>
            <translation>重做 {step}(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Tools</source>
            <translation>工具(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Undo</source>
            <translation>撤销(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;Undo {step}</source>
            <translation>撤销 {step}(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/compare.py" />
            <location filename="../../editor/qt/features/masks.py" />
            <location filename="../../editor/qt/main_window.py" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Add Class</source>
            <translation>添加类别</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Annotating {count} photos in {folder} ({format} labels)</source>
            <translation>正在标注 {folder} 中的 {count} 张照片（{format} 标注）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Background for JPEG</source>
            <translation>JPEG 背景色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Class name:</source>
            <translation>类别名称：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Classes</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Delete class “{name}”</source>
            <translation>删除类别“{name}”</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Delete the class “{name}” and its {count} boxes on this image?</source>
            <translation>删除类别“{name}”及其在本图中的 {count} 个框？</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Deselect</source>
            <translation>取消选择</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Export Labels</source>
            <translation>导出标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Exported labels to {name}</source>
            <translation>已将标注导出到 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Exported {name}</source>
            <translation>已导出 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>History</source>
            <translation>历史记录</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Images and projects ({p})</source>
            <translation>图片和项目（{p}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Import Labels</source>
            <translation>导入标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Import labels “{name}”</source>
            <translation>导入标注“{name}”</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Jobs</source>
            <translation>任务</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Label files (*.txt *.json *.xml)</source>
            <translation>标注文件 (*.txt *.json *.xml)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Labels saved; {note}</source>
            <translation>标注已保存；{note}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Layers</source>
            <translation>图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <location filename="../../editor/qt/main_window.py" />
            <source>Lightbox</source>
            <translation>Lightbox</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>New name:</source>
            <translation>新名称：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Open &amp;Folder for Annotation…</source>
            <translation>打开文件夹进行标注(&amp;F)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Open &amp;Recent</source>
            <translation>最近打开(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Open Folder for Annotation</source>
            <translation>打开文件夹进行标注</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>OpenRaster project (*.ora)</source>
            <translation>OpenRaster 项目 (*.ora)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Opening {name}…</source>
            <translation>正在打开 {name}…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Plugins</source>
            <translation>插件</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Removed from recent files (no longer found): {names}</source>
            <translation>已从最近文件中移除（已找不到）：{names}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Rename Class</source>
            <translation>重命名类别</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Rename class “{name}”</source>
            <translation>重命名类别“{name}”</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Save As</source>
            <translation>另存为</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Save changes?</source>
            <translation>保存更改？</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>Saved {name}</source>
            <translation>已保存 {name}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>Some labels were skipped: {problem}{more}</source>
            <translation>部分标注被跳过：{problem}{more}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Tools</source>
            <translation>工具</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Trained {name}: {figure}; {plugin} keeps its current model until you choose the new one</source>
            <translation>已训练 {name}：{figure}；在你选择新模型之前，{plugin} 继续使用当前模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Trained {name}: {figure}; {plugin} now uses it</source>
            <translation>已训练 {name}：{figure}；{plugin} 现在使用它</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>Training failed: {error}</source>
            <translation>训练失败：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/annotate.py" />
            <source>{folder}: no photos to annotate</source>
            <translation>{folder}：没有可标注的照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>{name}[*] — Lightbox</source>
            <translation>{name}[*] — Lightbox</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>{path}: unexpected error ({error})</source>
            <translation>{path}：意外错误（{error}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/main_window.py" />
            <source>{w} × {h} px</source>
            <translation>{w} × {h} 像素</translation>
        </message>
        <message>
            <location filename="../../editor/qt/file_actions.py" />
            <source>“{name}” has changes that are not saved.</source>
            <translation>“{name}”有未保存的更改。</translation>
        </message>
    </context>
    <context>
        <name>MaskFeature</name>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Black and White</source>
            <translation>黑白(&amp;B)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Clear Mask</source>
            <translation>清空蒙版(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Deselect</source>
            <translation>取消选择(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Feather…</source>
            <translation>羽化(&amp;F)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Grow…</source>
            <translation>扩展(&amp;G)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Invert Mask</source>
            <translation>反转蒙版(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Invert Selection</source>
            <translation>反选(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/cutout.py" />
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Mask</source>
            <translation>蒙版(&amp;M)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;New Mask Layer</source>
            <translation>新建蒙版图层(&amp;N)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Red Overlay</source>
            <translation>红色叠加(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>&amp;Select</source>
            <translation>选择(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Clear Mask</source>
            <translation>清空蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Clear mask</source>
            <translation>清空蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Feather mask</source>
            <translation>羽化蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Feather selection</source>
            <translation>羽化选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Fi&amp;ll Mask</source>
            <translation>填充蒙版(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Fill Mask</source>
            <translation>填充蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Fill mask</source>
            <translation>填充蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Grow mask</source>
            <translation>扩展蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Grow selection</source>
            <translation>扩展选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Invert Mask</source>
            <translation>反转蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Invert mask</source>
            <translation>反转蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Invert selection</source>
            <translation>反选</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Mask</source>
            <translation>蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Mask from &amp;Selection</source>
            <translation>从选区创建蒙版(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Mask from selection</source>
            <translation>从选区创建蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Mask {n}</source>
            <translation>蒙版 {n}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>New mask layer</source>
            <translation>新建蒙版图层</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Nothing is selected, so there is nothing to invert.</source>
            <translation>没有选区，无法反选。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Nothing is selected.</source>
            <translation>没有选区。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Radius (pixels):</source>
            <translation>半径（像素）：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>S&amp;hrink…</source>
            <translation>收缩(&amp;H)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>S&amp;mooth…</source>
            <translation>平滑(&amp;M)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Select &amp;All</source>
            <translation>全选(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Select all</source>
            <translation>全选</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Select an area first; Mask from Selection turns it into a mask layer.</source>
            <translation>请先选择一个区域；“从选区创建蒙版”会把它变成蒙版图层。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Selection from &amp;Mask</source>
            <translation>从蒙版创建选区(&amp;M)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Selection from Mask needs a mask layer: choose one in the Layers panel.</source>
            <translation>“从蒙版创建选区”需要一个蒙版图层：请在图层面板中选择。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Selection from mask</source>
            <translation>从蒙版创建选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Selection mask</source>
            <translation>选区蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Show Mask &amp;as</source>
            <translation>蒙版显示为(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Shrink mask</source>
            <translation>收缩蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Shrink selection</source>
            <translation>收缩选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Smooth mask</source>
            <translation>平滑蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Smooth selection</source>
            <translation>平滑选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>The mask “{name}” is empty.</source>
            <translation>蒙版“{name}”是空的。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/masks.py" />
            <source>Tool Options</source>
            <translation>工具选项</translation>
        </message>
    </context>
    <context>
        <name>MaskTools</name>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Contiguous</source>
            <translation>连续</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/fill.py" />
            <source>Empty mask area</source>
            <translation>清空蒙版区域</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Erase mask</source>
            <translation>擦除蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/fill.py" />
            <source>Fill mask area</source>
            <translation>填充蒙版区域</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Hardness %</source>
            <translation>硬度 %</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Magic wand</source>
            <translation>魔棒</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Opacity %</source>
            <translation>不透明度 %</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Paint mask</source>
            <translation>绘制蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Select ellipse</source>
            <translation>椭圆选择</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Select lasso</source>
            <translation>套索选择</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Size</source>
            <translation>尺寸</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Tolerance</source>
            <translation>容差</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>{tool} works on a mask layer: choose one in the Layers panel or add one with Mask → New Mask Layer.</source>
            <translation>{tool} 作用于蒙版图层：请在图层面板中选择一个，或通过 蒙版 → 新建蒙版图层 添加。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>{tool}: the layer “{name}” is hidden; show it first.</source>
            <translation>{tool}：图层“{name}”已隐藏；请先显示它。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>{tool}: the layer “{name}” is locked; unlock it first.</source>
            <translation>{tool}：图层“{name}”已锁定；请先解锁。</translation>
        </message>
    </context>
    <context>
        <name>ModelsFeature</name>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Architecture</source>
            <translation>网络结构</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Data</source>
            <translation>数据</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Licence</source>
            <translation>许可证</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Metrics</source>
            <translation>指标</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Models</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>No learned model yet: train one with Tools → Train…</source>
            <translation>还没有训练好的模型：可通过 工具 → 训练… 训练一个</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>No learned model: this plugin uses its classical method.</source>
            <translation>没有学习模型：此插件使用传统算法。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>The model file cannot be used: {error}</source>
            <translation>模型文件无法使用：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>Trained</source>
            <translation>训练于</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>classical</source>
            <translation>传统算法</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>learned model</source>
            <translation>学习模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>not trained yet</source>
            <translation>尚未训练</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/models.py" />
            <source>parameters</source>
            <translation>个参数</translation>
        </message>
    </context>
    <context>
        <name>NotificationBar</name>
        <message>
            <location filename="../../editor/qt/notify.py" />
            <source>Show fewer messages</source>
            <translation>显示较少消息</translation>
        </message>
        <message>
            <location filename="../../editor/qt/notify.py" />
            <source>{n} more messages…</source>
            <translation>还有 {n} 条消息…</translation>
        </message>
    </context>
    <context>
        <name>PathEdit</name>
        <message>
            <location filename="../../editor/qt/param_form.py" />
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/param_form.py" />
            <source>Choose a file</source>
            <translation>选择文件</translation>
        </message>
    </context>
    <context>
        <name>PluginPanel</name>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Automatic</source>
            <translation>自动</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Bundled default</source>
            <translation>内置默认模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Cannot be used: {error}</source>
            <translation>无法使用：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>No plugins are installed.</source>
            <translation>没有安装任何插件。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Plugin</source>
            <translation>插件</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Reset to defaults</source>
            <translation>恢复默认值</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Run</source>
            <translation>运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Run on selection</source>
            <translation>在选区上运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Run on the selected area only</source>
            <translation>仅在选中区域运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Run on the whole image</source>
            <translation>在整张图片上运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Select an area first</source>
            <translation>请先选择一个区域</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Started {title}</source>
            <translation>已开始 {title}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Teach this plugin on a folder of your examples</source>
            <translation>用你的样例文件夹训练此插件</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>The model that comes with the plugin</source>
            <translation>插件自带的模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Train…</source>
            <translation>训练…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Where the plugin runs. Automatic uses a GPU when there is one, else the CPU.</source>
            <translation>插件运行的位置。“自动”在有 GPU 时使用 GPU，否则使用 CPU。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>Which trained model the plugin uses</source>
            <translation>插件使用哪个训练好的模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>{name}
trained {date} on {folder}
validation: {figures}</source>
            <translation>{name}
{date} 在 {folder} 上训练
验证：{figures}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/plugins.py" />
            <source>{name} cannot be used: {error}</source>
            <translation>{name} 无法使用：{error}</translation>
        </message>
    </context>
    <context>
        <name>Preferences</name>
        <message>
            <location filename="../../editor/qt/preferences.py" />
            <source>A new language applies when Lightbox starts again.</source>
            <translation>新的语言将在 Lightbox 下次启动时生效。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/preferences.py" />
            <source>Follow the system ({language})</source>
            <translation>跟随系统（{language}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/preferences.py" />
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <location filename="../../editor/qt/preferences.py" />
            <source>Preferences</source>
            <translation>首选项</translation>
        </message>
    </context>
    <context>
        <name>RecipeRunDialog</name>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>, {count} not run (cancelled)</source>
            <translation>，{count} 张未运行（已取消）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Also save each step's image</source>
            <translation>同时保存每一步的图片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Cancelling after the photo being processed…</source>
            <translation>处理完当前照片后取消…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Checking the recipe and looking for photos…</source>
            <translation>正在检查配方并查找照片…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Choose a folder</source>
            <translation>选择文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Choose a recipe</source>
            <translation>选择配方</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Choose a recipe and the folders, then press Run.</source>
            <translation>选择配方和文件夹，然后点击“运行”。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Choose a recipe, a photos folder and an output folder first.</source>
            <translation>请先选择配方、照片文件夹和输出文件夹。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Finished: {ok} done, {failed} failed, {skipped} skipped</source>
            <translation>已结束：{ok} 张完成，{failed} 张失败，{skipped} 张跳过</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Output folder:</source>
            <translation>输出文件夹：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Photo</source>
            <translation>照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Photos folder:</source>
            <translation>照片文件夹：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Recipe:</source>
            <translation>配方：</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Recipes (*.toml)</source>
            <translation>配方 (*.toml)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Run</source>
            <translation>运行</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Run recipe on folder</source>
            <translation>对文件夹运行配方</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>Seconds</source>
            <translation>秒</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>skipped (already done)</source>
            <translation>已跳过（之前已完成）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>waiting</source>
            <translation>等待中</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>{count} photos to process</source>
            <translation>待处理 {count} 张照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>{done} of {total} photos</source>
            <translation>{done}/{total} 张照片</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/recipes.py" />
            <source>{done} of {total} photos, about {eta} left</source>
            <translation>{done}/{total} 张照片，约剩 {eta}</translation>
        </message>
    </context>
    <context>
        <name>Recipes</name>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Could not save the recipe: {error}</source>
            <translation>无法保存配方：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Recipes (*.toml)</source>
            <translation>配方 (*.toml)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Record the AI layers of this photo as a recipe to replay on other photos</source>
            <translation>把这张照片的 AI 图层记录为配方，以便在其他照片上重放</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Run Recipe on Folder…</source>
            <translation>对文件夹运行配方…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Save as Recipe…</source>
            <translation>保存为配方…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Save as recipe</source>
            <translation>保存为配方</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>Saved the recipe {name} ({count} steps).</source>
            <translation>已保存配方 {name}（{count} 步）。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>The batch stopped: {error}</source>
            <translation>批处理已停止：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/recipes.py" />
            <source>{folder}: no photos in this folder</source>
            <translation>{folder}：此文件夹中没有照片</translation>
        </message>
    </context>
    <context>
        <name>RectSelectTool</name>
        <message>
            <location filename="../../editor/qt/tools/select_rect.py" />
            <source>Select rectangle</source>
            <translation>矩形选择</translation>
        </message>
    </context>
    <context>
        <name>ResultView</name>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>After</source>
            <translation>处理后</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Before</source>
            <translation>处理前</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Current model</source>
            <translation>当前模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Epochs</source>
            <translation>轮数</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Examples</source>
            <translation>样例</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Saved “{name}”.</source>
            <translation>已保存“{name}”。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Saved “{name}”. {plugin} now uses this model; choose another in the Plugins panel's Model list.</source>
            <translation>已保存“{name}”。{plugin} 现在使用此模型；可在插件面板的模型列表中另选。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Saved “{name}”. {plugin} still uses {current}: compare the figures, measured on the same held-out photos, and choose.</source>
            <translation>已保存“{name}”。{plugin} 仍在使用 {current}：请比较在相同留出照片上测得的指标后再选择。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Use this model</source>
            <translation>使用此模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>Validation {metric}</source>
            <translation>验证 {metric}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>the bundled default</source>
            <translation>内置默认模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>{arch}, {n} parameters</source>
            <translation>{arch}，{n} 个参数</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>{new}   (current model {old})</source>
            <translation>{new}   （当前模型 {old}）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/result_view.py" />
            <source>{train} for training, {val} for validation, {skipped} skipped</source>
            <translation>{train} 个用于训练，{val} 个用于验证，{skipped} 个跳过</translation>
        </message>
    </context>
    <context>
        <name>RunPanel</name>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>, about {t} left</source>
            <translation>，约剩 {t}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>A line per epoch appears here.</source>
            <translation>每轮训练在此显示一行。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Continuing “{name}” from its saved checkpoint…</source>
            <translation>正在从保存的检查点继续“{name}”…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Epoch {e} of {n}, step {s} of {m}{eta}</source>
            <translation>第 {e}/{n} 轮，第 {s}/{m} 步{eta}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Epoch {e}/{n}: {figures}</source>
            <translation>第 {e}/{n} 轮：{figures}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Finished in {t}.</source>
            <translation>用时 {t} 完成。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Resumed after epoch {n} (saved earlier).</source>
            <translation>已从第 {n} 轮之后继续（之前已保存）。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Saved “{name}”: {figure}.</source>
            <translation>已保存“{name}”：{figure}。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Stopped early after epoch {n}: {metric} was no longer improving.</source>
            <translation>在第 {n} 轮后提前停止：{metric} 不再提升。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Training on {device}{why}.</source>
            <translation>正在 {device} 上训练{why}。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/run_panel.py" />
            <source>Training “{name}”…</source>
            <translation>正在训练“{name}”…</translation>
        </message>
    </context>
    <context>
        <name>Shortcuts</name>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>&amp;Keyboard Shortcuts</source>
            <translation>键盘快捷键(&amp;K)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>Canvas</source>
            <translation>画布</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>Command</source>
            <translation>命令</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>Filter, e.g. crop or Ctrl</source>
            <translation>筛选，例如 crop 或 Ctrl</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>Keyboard Shortcuts</source>
            <translation>键盘快捷键</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/shortcuts.py" />
            <source>Keys</source>
            <translation>按键</translation>
        </message>
    </context>
    <context>
        <name>Theme</name>
        <message>
            <location filename="../../editor/qt/theme.py" />
            <source>&amp;Dark</source>
            <translation>深色(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/theme.py" />
            <source>&amp;Light</source>
            <translation>浅色(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/theme.py" />
            <source>&amp;Theme</source>
            <translation>主题(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/theme.py" />
            <source>Follow &amp;System</source>
            <translation>跟随系统(&amp;S)</translation>
        </message>
    </context>
    <context>
        <name>Tool</name>
        <message>
            <location filename="../../editor/qt/tools/boxes.py" />
            <source>Boxes</source>
            <translation>标注框</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/boxes.py" />
            <source>Boxes: drag to draw; click to select (Shift adds); drag a box to move it, a handle to resize; 1-9 set the class; A accepts; X or Del rejects; Ctrl+C/V copy/paste</source>
            <translation>标注框：拖动绘制；单击选择（Shift 加选）；拖动框可移动，拖动手柄可调整大小；1-9 设置类别；A 接受；X 或 Del 拒绝；Ctrl+C/V 复制/粘贴</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Brush</source>
            <translation>画笔</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Brush: paint on the mask layer; [ and ] change the size</source>
            <translation>画笔：在蒙版图层上绘制；[ 和 ] 调整大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/crop.py" />
            <source>Crop</source>
            <translation>裁剪</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/crop.py" />
            <source>Crop: drag a frame, adjust it, then Enter or double-click crops; Esc cancels</source>
            <translation>裁剪：拖出裁剪框并调整，按 Enter 或双击裁剪；Esc 取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Cutout</source>
            <translation>抠图</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/cutout.py" />
            <source>Cutout: drag a box around a product or click it (Alt+click: not this); brush modes add to or subtract from the mask along the photo's edges</source>
            <translation>抠图：在商品周围拖一个框或单击商品（Alt+单击：排除此处）；画笔模式沿照片边缘增减蒙版</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/selecting.py" />
            <source>Deselect</source>
            <translation>取消选择</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Ellipse select</source>
            <translation>椭圆选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Ellipse select: drag; Shift adds, Alt subtracts, Shift+Alt intersects</source>
            <translation>椭圆选区：拖动；Shift 加选，Alt 减选，Shift+Alt 交叉</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Eraser</source>
            <translation>橡皮擦</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/brush.py" />
            <source>Eraser: erase from the mask layer; [ and ] change the size</source>
            <translation>橡皮擦：从蒙版图层擦除；[ 和 ] 调整大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/fill.py" />
            <source>Fill</source>
            <translation>填充</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/fill.py" />
            <source>Fill: click to fill an area of the mask layer; Alt+click empties it</source>
            <translation>填充：单击填充蒙版图层的一块区域；Alt+单击清空该区域</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Lasso select</source>
            <translation>套索选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Lasso select: drag around an area; Shift adds, Alt subtracts, Shift+Alt intersects</source>
            <translation>套索选区：沿区域拖动；Shift 加选，Alt 减选，Shift+Alt 交叉</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Magic wand</source>
            <translation>魔棒</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_shapes.py" />
            <source>Magic wand: click to select similar colours; Shift adds, Alt subtracts, Shift+Alt intersects</source>
            <translation>魔棒：单击选择相近颜色；Shift 加选，Alt 减选，Shift+Alt 交叉</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/navigate.py" />
            <source>Pan</source>
            <translation>平移</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/navigate.py" />
            <source>Pan: drag the view (or hold Space, or drag with the middle button)</source>
            <translation>平移：拖动视图（或按住空格，或用鼠标中键拖动）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_rect.py" />
            <source>Rectangle select</source>
            <translation>矩形选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/tools/select_rect.py" />
            <source>Rectangle select: drag to select (Shift adds, Alt subtracts, both intersect); click or Esc deselects</source>
            <translation>矩形选区：拖动进行选择（Shift 加选，Alt 减选，两者同按为交叉）；单击或 Esc 取消选择</translation>
        </message>
    </context>
    <context>
        <name>Tour</name>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>1 · Cut out the product</source>
            <translation>1 · 抠出商品</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>2 · Change the background</source>
            <translation>2 · 更换背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>3 · Check it for the marketplace</source>
            <translation>3 · 按平台规则检查</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>4 · Export</source>
            <translation>4 · 导出</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Back</source>
            <translation>上一步</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>File → Export… writes the finished photo as PNG or JPEG. Everything ran on this computer: no photo left it. Help → Show the Tour brings this back.</source>
            <translation>文件 → 导出… 将完成的照片保存为 PNG 或 JPEG。所有处理都在本机完成，照片没有离开这台电脑。帮助 → 显示导览 可再次打开本导览。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Next</source>
            <translation>下一步</translation>
        </message>
        <message>
            <source>Pick the Cutout tool (C) and drag a box around the product, or choose “Cut out product” in the Plugins panel and press Run. A mask and a cutout layer appear in the Layers panel; Ctrl+Z undoes the whole result.</source>
            <translation type="vanished">选择抠图工具（C），在商品周围拖一个框；或在插件面板中选择“商品抠图”并点击“运行”。图层面板中会出现蒙版图层和抠图图层；Ctrl+Z 可整体撤销。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Pick the Cutout tool (K) and drag a box around the product, or choose “Cut out product” in the Plugins panel and press Run. A mask and a cutout layer appear in the Layers panel; Ctrl+Z undoes the whole result.</source>
            <translation>选择抠图工具（K），在商品周围拖一个框；或在插件面板中选择“商品抠图”并点击“运行”。图层面板中会出现蒙版图层和抠图图层；Ctrl+Z 可整体撤销。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Show the &amp;Tour</source>
            <translation>显示导览(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>Skip the tour</source>
            <translation>跳过导览</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>The Compliance panel checks the photo against a marketplace's rules (white background, product fill, size…). Each problem is outlined on the photo; Fix repairs it in one step.</source>
            <translation>合规检查面板按电商平台规则检查照片（白底、商品占比、尺寸…）。每个问题都会在照片上标出；点击“修复”一步解决。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/tour.py" />
            <source>With the cutout layer, choose the background plugin in the Plugins panel: a clean white, a colour, a gradient or a studio sweep, with a soft shadow under the product.</source>
            <translation>有了抠图图层后，在插件面板中选择背景插件：纯白、纯色、渐变或影棚无缝背景，并可在商品下方添加柔和阴影。</translation>
        </message>
    </context>
    <context>
        <name>TrainDialog</name>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>A model name cannot start with a dot or contain \ / : * ? " &lt; &gt; |</source>
            <translation>模型名称不能以点开头，也不能包含 \ / : * ? " &lt; &gt; |</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>A model of this name exists; training replaces it.</source>
            <translation>已有同名模型；训练会替换它。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>An unfinished training of this name is saved: Start continues it if the folder and settings are the same.</source>
            <translation>已保存一个同名的未完成训练：若文件夹和设置不变，点击“开始”将继续训练。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Automatic</source>
            <translation>自动</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Automatic uses a GPU when there is one, else the CPU (slower).</source>
            <translation>“自动”在有 GPU 时使用 GPU，否则使用 CPU（较慢）。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Done. {plugin} keeps its current model: compare the figures and choose “Use this model” to switch.</source>
            <translation>完成。{plugin} 继续使用当前模型：比较各项指标后，选择“使用此模型”即可切换。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Done. {plugin} now uses “{name}”.</source>
            <translation>完成。{plugin} 现在使用“{name}”。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Examples</source>
            <translation>样例</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Expected: {layout}</source>
            <translation>应为：{layout}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Failed: {message}</source>
            <translation>失败：{message}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Folder</source>
            <translation>文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Folder of training examples</source>
            <translation>训练样例文件夹</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Model name</source>
            <translation>模型名称</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>No installed plugin can be trained.</source>
            <translation>已安装的插件都不能训练。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Paused after the current step. Resume continues.</source>
            <translation>已在当前步骤后暂停。点击“继续”恢复。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Plugin</source>
            <translation>插件</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Preparing…</source>
            <translation>正在准备…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Saved in your model store: {folder}</source>
            <translation>已保存在你的模型库：{folder}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Start</source>
            <translation>开始</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Stop training; the last finished epoch is kept, and Start continues from it</source>
            <translation>停止训练；保留最后完成的一轮，点击“开始”可从该处继续</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Stop training?</source>
            <translation>停止训练？</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Stopped.</source>
            <translation>已停止。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Stopped. The last finished epoch is saved; Start continues from there.</source>
            <translation>已停止。最后完成的一轮已保存；点击“开始”从那里继续。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Stopping…</source>
            <translation>正在停止…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Train a model</source>
            <translation>训练模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Training</source>
            <translation>训练</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Training is still running. Stop it and close? The last finished epoch is saved: start the same training again to continue from there.</source>
            <translation>训练仍在进行。停止并关闭吗？最后完成的一轮已保存：再次开始同一训练即可从那里继续。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>Training…</source>
            <translation>正在训练…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/dialog.py" />
            <source>{plugin} now uses “{name}”.</source>
            <translation>{plugin} 现在使用“{name}”。</translation>
        </message>
    </context>
    <context>
        <name>TrainingChart</name>
        <message>
            <location filename="../../editor/qt/training/chart.py" />
            <source>The curves appear here once training starts</source>
            <translation>训练开始后曲线会显示在这里</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/chart.py" />
            <source>Training loss (smoothed)</source>
            <translation>训练损失（平滑）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/chart.py" />
            <source>Training loss per epoch</source>
            <translation>每轮训练损失</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/chart.py" />
            <source>Validation {metric}</source>
            <translation>验证 {metric}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/training/chart.py" />
            <source>epoch</source>
            <translation>轮</translation>
        </message>
    </context>
    <context>
        <name>Transforms</name>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>&amp;Crop to Selection</source>
            <translation>裁剪到选区(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>&amp;Image</source>
            <translation>图像(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>&amp;Resize…</source>
            <translation>调整大小(&amp;R)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Anchor</source>
            <translation>锚点</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Angle</source>
            <translation>角度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Black</source>
            <translation>黑色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Canvas &amp;Size…</source>
            <translation>画布大小(&amp;S)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Canvas Size</source>
            <translation>画布大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Canvas size</source>
            <translation>画布大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Colour of the new area</source>
            <translation>新区域的颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Crop &amp;Aspect</source>
            <translation>裁剪比例(&amp;A)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Crop to selection</source>
            <translation>裁剪到选区</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Crop to the original shape (no empty corners)</source>
            <translation>裁剪回原始形状（不留空角）</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Flip &amp;Horizontal</source>
            <translation>水平翻转(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Flip &amp;Vertical</source>
            <translation>垂直翻转(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Flip horizontal</source>
            <translation>水平翻转</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Flip vertical</source>
            <translation>垂直翻转</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Height</source>
            <translation>高度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Keep aspect ratio</source>
            <translation>保持宽高比</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>New area</source>
            <translation>新区域</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Other colour…</source>
            <translation>其他颜色…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Pad to shape…</source>
            <translation>填充到目标比例…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Positive turns the photo clockwise</source>
            <translation>正值使照片顺时针旋转</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Resize</source>
            <translation>调整大小</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate &amp;180°</source>
            <translation>旋转 180°(&amp;1)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate 180°</source>
            <translation>旋转 180°</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate 90° &amp;Clockwise</source>
            <translation>顺时针旋转 90°(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate 90° C&amp;ounter-clockwise</source>
            <translation>逆时针旋转 90°(&amp;O)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate 90° clockwise</source>
            <translation>顺时针旋转 90°</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Rotate 90° counter-clockwise</source>
            <translation>逆时针旋转 90°</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>S&amp;traighten…</source>
            <translation>拉直(&amp;T)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Shape</source>
            <translation>形状</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Straighten</source>
            <translation>拉直</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Transparent</source>
            <translation>透明</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>White</source>
            <translation>白色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>Width</source>
            <translation>宽度</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>per cent</source>
            <translation>百分比</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>pixels</source>
            <translation>像素</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>{step} failed: {error}</source>
            <translation>{step} 失败：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>{step} was not applied: the image changed meanwhile; try again</source>
            <translation>{step} 未应用：期间图片已改变；请重试</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/transforms.py" />
            <source>{step}…</source>
            <translation>{step}…</translation>
        </message>
    </context>
    <context>
        <name>Variants</name>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Cancelled.</source>
            <translation>已取消。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Cancelling…</source>
            <translation>正在取消…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Export variants to</source>
            <translation>将变体导出到</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Exported {n} files to {folder}</source>
            <translation>已将 {n} 个文件导出到 {folder}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Making variants…</source>
            <translation>正在生成变体…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Open a product photo to make its variants.</source>
            <translation>打开一张商品照片以生成它的变体。</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>The variants could not be made: {error}</source>
            <translation>无法生成变体：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Variants</source>
            <translation>变体</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>Variants: {error}</source>
            <translation>变体：{error}</translation>
        </message>
        <message>
            <location filename="../../editor/qt/features/variants.py" />
            <source>{n} variants. Double-click one to open it.</source>
            <translation>{n} 个变体。双击其中一个即可打开。</translation>
        </message>
    </context>
    <context>
        <name>VariantsPanel</name>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Backdrops</source>
            <translation>背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Colours</source>
            <translation>颜色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Colourways</source>
            <translation>配色</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Export all…</source>
            <translation>全部导出…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Generated backdrops</source>
            <translation>生成的背景</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Generator model</source>
            <translation>生成器模型</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Make</source>
            <translation>生成</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Make variants</source>
            <translation>生成变体</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Marketplace crops</source>
            <translation>平台裁剪</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Open as document</source>
            <translation>作为文档打开</translation>
        </message>
        <message>
            <location filename="../../editor/qt/panels/variants.py" />
            <source>Ratios</source>
            <translation>宽高比</translation>
        </message>
    </context>
    <context>
        <name>WindowActions</name>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;100 %</source>
            <translation>100%(&amp;1)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Close</source>
            <translation>关闭(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Deselect</source>
            <translation>取消选择(&amp;D)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Export…</source>
            <translation>导出(&amp;E)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Fit</source>
            <translation>适应窗口(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Open…</source>
            <translation>打开(&amp;O)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Redo</source>
            <translation>重做(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Save</source>
            <translation>保存(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Train…</source>
            <translation>训练(&amp;T)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>&amp;Undo</source>
            <translation>撤销(&amp;U)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>Clear &amp;List</source>
            <translation>清空列表(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>Save &amp;As…</source>
            <translation>另存为(&amp;A)…</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>Teach a plugin on a folder of your own examples</source>
            <translation>用你自己的样例文件夹训练插件</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>Zoom &amp;In</source>
            <translation>放大(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../editor/qt/actions.py" />
            <source>Zoom &amp;Out</source>
            <translation>缩小(&amp;O)</translation>
        </message>
    </context>
    <context>
        <name>_Message</name>
        <message>
            <location filename="../../editor/qt/notify.py" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../editor/qt/notify.py" />
            <source>Details</source>
            <translation>详情</translation>
        </message>
        <message>
            <location filename="../../editor/qt/notify.py" />
            <source>Details…</source>
            <translation>详情…</translation>
        </message>
    </context>
</TS>
