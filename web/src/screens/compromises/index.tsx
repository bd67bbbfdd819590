import { useTranslation } from 'react-i18next';

export default function Compromises() {
  const { t } = useTranslation('compromises');
  return <h1>{t('title')}</h1>;
}
