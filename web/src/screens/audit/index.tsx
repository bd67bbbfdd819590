import { useTranslation } from 'react-i18next';

export default function Audit() {
  const { t } = useTranslation('audit');
  return <h1>{t('title')}</h1>;
}
