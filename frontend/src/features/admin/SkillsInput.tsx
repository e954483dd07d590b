import { AutoComplete, Button, InputNumber } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import styles from './admin.module.css';

/** A skill with an optional level: an agent's (level held) or a requirement (the least level asked for). */
export interface SkillEntry {
  name: string;
  level?: number | null;
}

/**
 * Rows of skill name + level, for agents' profiles, ticket types' required skills and the
 * rule editor's "require skills" action. `suggestions` are skill names already in use.
 */
export function SkillsInput({
  value = [],
  onChange,
  suggestions = [],
  levelLabel,
  id,
}: {
  value?: SkillEntry[];
  onChange?: (value: SkillEntry[]) => void;
  suggestions?: readonly string[];
  /** "Level" for an agent, "Minimum level" for a requirement. */
  levelLabel: string;
  id?: string;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const set = (index: number, entry: SkillEntry) => onChange?.(value.map((old, i) => (i === index ? entry : old)));
  const options = [...new Set(suggestions)].sort().map((name) => ({ value: name }));
  return (
    <div className={styles.skills} id={id} data-testid="skills-input">
      {value.map((skill, index) => (
        <div key={index} className={styles.skillRow} data-testid="skill-row">
          <AutoComplete
            className={styles.skillName}
            value={skill.name}
            options={options.filter((option) => option.value.toLowerCase().includes(skill.name.trim().toLowerCase()))}
            onChange={(name: string) => set(index, { ...skill, name })}
            placeholder={t('skills.name')}
            aria-label={t('skills.name')}
          />
          <InputNumber
            className={styles.skillLevel}
            min={1}
            max={10}
            precision={0}
            value={skill.level ?? null}
            onChange={(level) => set(index, { ...skill, level: typeof level === 'number' ? level : null })}
            placeholder={levelLabel}
            aria-label={levelLabel}
          />
          <Button
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('skills.remove', { name: skill.name || index + 1 })}
            onClick={() => onChange?.(value.filter((_, i) => i !== index))}
          />
        </div>
      ))}
      <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => onChange?.([...value, { name: '', level: null }])} data-testid="add-skill">
        {t('skills.add')}
      </Button>
    </div>
  );
}
