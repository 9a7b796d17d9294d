# صفحات السجل (المسألة 8): صفحة الشخص، ملخص العائلة، الحفظ والرفض، إضافة الأفراد،
# ربط الأقارب بين العائلات، نقل عدة أفراد معاً.
# بعد الحفظ
saved-intake = تم تسجيل العائلة.
saved-family = تم حفظ اسم العائلة وملاحظاتها.
saved-member = تم حفظ الفرد الجديد.
saved-moved = تم حفظ حدث الاحتجاز لكل الأفراد المختارين.
saved-person = تم حفظ بيانات الشخص.
saved-name = تم حفظ الاسم.
saved-claim = تم حفظ الجنسية.
saved-status = تم حفظ حالة الجنسية.
saved-custody = تم حفظ حدث الاحتجاز.
saved-kinship = تم ربط القريب.
warnings-check = بعض المعلومات تبدو غير مرجّحة: يرجى التحقق منها.
problems-title = لم يُحفظ شيء: صحّح ما يلي ثم أرسل النموذج مجدداً.
optional = اختياري
# التسجيل
err-block-needs-name = أدخل اسماً، أو أفرغ خانة الطفل هذه
# التسجيل: البحث قبل الإنشاء (المسألة 11)
intake-dup-title = لم يُسجَّل شيء بعد: قد يكون بعض هؤلاء الأشخاص في السجل من قبل.
intake-dup-how = راجع التنبيه فوق كل فرد مذكور هنا. إن كان أحدهم الشخص نفسه فافتح صفحته بدلاً من تسجيله مرة أخرى. وإن لم يكن أيٌّ منهم كذلك فسجّل العائلة بالزر في آخر النموذج.
intake-dup-block = قد يكون هذا الشخص مسجَّلاً من قبل:
intake-dup-may-be = قد يكون هذا { $name }، تاريخ الميلاد { $birth }، سُجِّل في { $logged }.
intake-dup-may-be-undated = قد يكون هذا { $name }، سُجِّل في { $logged }.
intake-dup-held = مكان الاحتجاز الآن: { $facility }.
intake-dup-family = صفحة العائلة
intake-dup-more = لم تُعرض { $n } تطابقات محتملة أخرى.
intake-dup-band-likely = تطابق مرجّح
intake-dup-band-possible = تطابق محتمل
intake-dup-reason = { $field } { $verdict }: { $sides }
intake-dup-field-given_name = الأسماء الأولى
intake-dup-field-family_name = أسماء العائلة
intake-dup-field-names_swapped = الاسم الأول واسم العائلة، معكوسين،
intake-dup-field-other_name = اسم آخر
intake-dup-field-birth = تواريخ الميلاد
intake-dup-field-sex = الجنس
intake-dup-field-nationality = الجنسيات
intake-dup-verdict-same = متطابقة
intake-dup-verdict-variant = صيغ لاسم واحد
intake-dup-verdict-sound = متشابهة في النطق
intake-dup-verdict-skeleton = متوافقة عبر الكتابات
intake-dup-verdict-agrees = متوافقة
intake-dup-verdict-within_margin = مختلفة ضمن هامش التقدير
intake-dup-verdict-differs = مختلفة
intake-dup-recheck = تحقّق من الأسماء مرة أخرى
intake-dup-confirm = لا أحد من هؤلاء: سجّل العائلة
# صفحة العائلة
member-add = إضافة فرد
member-add-submit = أضف الفرد
member-relations = الفرد الجديد هو … :
member-not-related = لا صلة
move-title = نقل عدة أفراد
move-hint = حدث احتجاز واحد لكل فرد مختار، يُحفظ لهم جميعاً أو لا يُحفظ لأحد.
move-members = الأفراد
move-submit = احفظ الحدث لهؤلاء الأفراد
err-move-none = اختر فرداً واحداً على الأقل
summary-caption = الأفراد بنظرة واحدة
summary-age = العمر
summary-held = مكانه الآن
summary-dead = متوفى
summary-uncertain = غير مؤكد: إحدى المعلومات غير معروفة بدقة كافية
family-forms = تعديل العائلة
members-details = تفاصيل الأفراد
person-open = افتح صفحة الشخص
eligibility-why = السبب: القواعد والمعلومات وراء كل نتيجة
policy-version-short = الإصدار
policy-rule-short = القاعدة
# صفحة الشخص
wishes-title = الرغبات عبر الزمن
wishes-none = لا توجد رغبة مسجلة.
names-none = لا يوجد اسم آخر مسجل.
# ربط قريب
kin-search = ابحث بالاسم بين أشخاص المنظمة
kin-suggested = أفراد العائلة نفسها
kin-matches = الأشخاص الذين وُجدوا
kin-search-hint = ابحث بالاسم للعثور على قريب في عائلة أخرى.
kin-none = لا أحد يطابق هذا البحث.
kin-not-held = غير محتجز
kin-same-family = العائلة نفسها
kin-no-family = بلا عائلة
kin-already = مرتبط مسبقاً
kin-refine = تُعرض النتائج الأولى فقط: حدّد البحث أكثر.
kin-relative-person = القريب
kin-link = نوع الصلة
kin-the-chosen = … للشخص المختار أعلاه
kin-link-submit = اربط
kin-of-parent_of = والد/والدة
kin-of-child_of = ابن/ابنة
kin-of-spouse_of = زوج/زوجة
kin-of-sibling_of = أخ/أخت
kin-of-guardian_of = وصي على
kin-of-ward_of = تحت وصاية
# قائمة العائلات
list-separation-risk = خطر التفريق
list-page = الصفحة { $n } من { $total }
